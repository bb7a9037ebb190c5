# The conversation models moved from congress to the conversations app with their tables; the
# foreign key's column and constraint stay as they are, only Django's state points elsewhere.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matchmaking", "0002_meetings"),
        ("conversations", "0001_initial"),
    ]
    run_before = [("congress", "0005_move_conversations")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="report",
                    name="conversation",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="conversations.conversation",
                    ),
                ),
            ],
        ),
    ]
