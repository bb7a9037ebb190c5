from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0009_session_cancellation_note"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="stage_version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
    ]
