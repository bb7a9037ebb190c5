from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from congress.models import Event, Session
from demo.congress import SLUG, demo_usernames
from treffpunkt.models import TopicCounter, TopicEvent

# The seed runs once per module, outside any function-scoped settings fixture; logging in later
# must use the hasher the passwords were hashed with.
HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    """The generated logos land here, for the module's seed and every re-run, never in media/."""
    return tmp_path_factory.mktemp("seed-media")


@pytest.fixture(scope="module")
def seed_output(django_db_setup, django_db_blocker, media_root):
    """Seed once for the module (it takes a second or two); each test rolls back its changes.

    The seed commits outside the tests' transactions, so the teardown removes all of it again,
    the realtime log included: later modules expect an empty database.
    """
    output = StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=HASHERS, MEDIA_ROOT=media_root),
    ):
        call_command("seed_demo", stdout=output)
    yield output.getvalue()
    with django_db_blocker.unblock():
        # Session.room is PROTECT, which blocks even the event's own cascade.
        Session.objects.filter(event__slug=SLUG).delete()
        Event.objects.filter(slug=SLUG).delete()
        get_user_model().objects.filter(username__in=demo_usernames()).delete()
        TopicEvent.objects.all().delete()
        TopicCounter.objects.all().delete()
        DBTaskResult.objects.all().delete()
