# The models moved here from the congress app. Their tables, constraints and index were created by
# congress 0004 and keep their names (Meta.db_table), so this migration changes only Django's state
# (SeparateDatabaseAndState) — the rows stay where they are. Congress 0005 then drops the models
# from its own state, after the apps that point at them (expo, matchmaking) have been retargeted.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("conversation", "conversationmessage")


def move_content_types(apps, schema_editor, source, target):
    """Keep the content types (and so the permissions granted on them) across the move."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label=source, model=model).update(
            app_label=target
        )


def forwards(apps, schema_editor):
    move_content_types(apps, schema_editor, "congress", "conversations")


def backwards(apps, schema_editor):
    move_content_types(apps, schema_editor, "conversations", "congress")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("congress", "0004_conversation"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    run_before = [("congress", "0005_move_conversations")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Conversation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "origin",
                            models.CharField(
                                blank=True, default="", max_length=60, verbose_name="origin"
                            ),
                        ),
                        ("user_a_read_seq", models.PositiveBigIntegerField(default=0)),
                        ("user_b_read_seq", models.PositiveBigIntegerField(default=0)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="conversations",
                                to="congress.event",
                            ),
                        ),
                        (
                            "user_a",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "user_b",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "conversation",
                        "verbose_name_plural": "conversations",
                        "db_table": "congress_conversation",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("event", "user_a", "user_b"),
                                name="conversation_once_per_pair",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("user_a__lt", models.F("user_b"))),
                                name="conversation_pair_ordered",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ConversationMessage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("text", models.TextField(verbose_name="text")),
                        ("client_id", models.CharField(max_length=64)),
                        ("seq", models.PositiveBigIntegerField(null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "conversation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="messages",
                                to="conversations.conversation",
                            ),
                        ),
                        (
                            "sender",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "conversation message",
                        "verbose_name_plural": "conversation messages",
                        "db_table": "congress_conversationmessage",
                        "indexes": [
                            models.Index(
                                fields=["conversation", "-seq"],
                                name="congress_co_convers_497456_idx",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("conversation", "sender", "client_id"),
                                name="conversation_message_once_per_client_id",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
