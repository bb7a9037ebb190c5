"""Moving the conversation models from congress to conversations keeps every row and reference."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from conversations.models import Conversation
from matchmaking.models import Report

# The state before the move: congress still holds the models, conversations has no migration.
BEFORE = [("congress", "0004_conversation"), ("conversations", None)]
BEFORE_STATE = [
    ("congress", "0004_conversation"),
    ("expo", "0003_contact_request"),
    ("matchmaking", "0002_meetings"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _content_type_ids(app_label):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT model, id FROM django_content_type WHERE app_label = %s "
            "AND model IN ('conversation', 'conversationmessage')",
            [app_label],
        )
        return dict(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_conversations_survive_the_move_to_their_own_app():
    moved_types = _content_type_ids("conversations")
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE_STATE).apps
        assert _content_type_ids("congress") == moved_types

        User = old.get_model("auth", "User")
        anna = User.objects.create(username="anna")
        ben = User.objects.create(username="ben")
        event = old.get_model("congress", "Event").objects.create(
            slug="kongress",
            name="Kongress",
            start_date=date(2026, 6, 10),
            end_date=date(2026, 6, 11),
        )
        conversation = old.get_model("congress", "Conversation").objects.create(
            event=event, user_a=anna, user_b=ben, origin="booth:3", user_b_read_seq=1
        )
        Message = old.get_model("congress", "ConversationMessage")
        Message.objects.create(
            conversation=conversation, sender=anna, text="Hallo", client_id="a", seq=1
        )
        Message.objects.create(
            conversation=conversation, sender=ben, text="Hi", client_id="b", seq=2
        )
        report = old.get_model("matchmaking", "Report").objects.create(
            event=event, reporter=anna, reported=ben, conversation=conversation, reason="Spam"
        )

        _migrate_to_latest()
    finally:
        _migrate_to_latest()

    moved = Conversation.objects.select_related("event").get(pk=conversation.pk)
    assert (moved.event.slug, moved.user_a_id, moved.user_b_id) == ("kongress", anna.pk, ben.pk)
    assert (moved.origin, moved.user_a_read_seq, moved.user_b_read_seq) == ("booth:3", 0, 1)
    assert list(moved.messages.order_by("seq").values_list("sender_id", "text", "seq")) == [
        (anna.pk, "Hallo", 1),
        (ben.pk, "Hi", 2),
    ]
    assert Report.objects.get(pk=report.pk).conversation == moved
    assert _content_type_ids("conversations") == moved_types
    assert _content_type_ids("congress") == {}
