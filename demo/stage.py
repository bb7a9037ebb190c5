"""Stage settings of the demo congress, from ``demo/data/stage.toml``.

The stage app has no service for its settings (the admin edits them), so the row is written in
place. Rooms keep their streams from ``congress.toml`` and get no ``RoomStage``: each has a stream,
and a poster would need an absolute URL the demo does not have.
"""

from stage.models import StageSettings

from .content import load


def seed_stage(event, out):
    data = load("stage")["settings"]
    StageSettings.objects.update_or_create(event=event, defaults=data)
    out.write(f"Bühnen: eingebettete Player von {', '.join(data['embed_providers'])} erlaubt")
