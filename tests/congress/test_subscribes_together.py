"""The subscribes of one shared trip to a session (a reconnect storm's) share its instance.

Each subscribe loads the session with its event and room; those of one trip to the database
thread read its row once and build it once (docs/performance.md). What each subscriber is shown
still depends on them alone.
"""

from types import SimpleNamespace

import pytest

from congress import live
from congress.models import Question, Registration
from tests.factories import RegistrationFactory, SessionFactory, UserFactory
from treffpunkt.db.rows import shared_reads

pytestmark = pytest.mark.django_db


def opened(user, session):
    ctx = SimpleNamespace(user=user, hub=None, connection=object(), topic_seq=0, resuming=False)
    return live.open_session_topic(ctx, str(session.pk)).snapshot


def test_subscribes_of_one_trip_build_the_session_once_and_each_sees_its_own_snapshot(
    monkeypatch,
):
    session = SessionFactory()
    organizer, anna, ben = (UserFactory(username=name) for name in ("orga", "anna", "ben"))
    RegistrationFactory(event=session.event, user=organizer, role=Registration.Role.ORGANIZER)
    RegistrationFactory(event=session.event, user=anna)
    RegistrationFactory(event=session.event, user=ben)
    for text, state in (("Sichtbar?", Question.State.OPEN), ("Versteckt", Question.State.HIDDEN)):
        Question.objects.create(session=session, user=anna, text=text, client_id=text, state=state)
    people = [organizer, anna, ben]
    alone = [opened(user, session) for user in people]
    loads = []
    load = live._load_session
    monkeypatch.setattr(live, "_load_session", lambda pk: loads.append(pk) or load(pk))

    with shared_reads():
        together = [opened(user, session) for user in people]

    assert together == alone
    assert len(loads) == 1  # three subscribes, one session built
    assert [snapshot["moderator"] for snapshot in together] == [True, False, False]
    assert [len(snapshot["questions"]) for snapshot in together] == [2, 1, 1]
