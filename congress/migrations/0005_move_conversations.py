# Conversation and ConversationMessage moved to the conversations app (its 0001 takes them over
# with the same tables). Only Django's state forgets them here; no table is touched.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0004_conversation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ConversationMessage"),
                migrations.DeleteModel(name="Conversation"),
            ],
        ),
    ]
