"""The rules' row of many subscribers at once (``permissions.prefetch_primed``).

A shared trip's subscribes to a session each ask the user's role, ban, speaking and mute; read
together, they take one query, and each still sees exactly its own answers.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congress.models import Ban, Mute, Registration
from congress.permissions import (
    is_banned,
    prefetch_primed,
    primed,
    primed_mute,
    role_for,
    speaks_at,
)
from tests.factories import RegistrationFactory, SessionFactory, SpeakerFactory, UserFactory
from treffpunkt.db.rows import shared_reads

pytestmark = pytest.mark.django_db


def answers(user, session):
    with primed(user, session):
        return (
            role_for(user, session.event),
            is_banned(user, session.event),
            speaks_at(user, session),
            primed_mute(user, session),
        )


def test_subscribers_read_together_get_their_own_answers_from_one_query():
    session = SessionFactory()
    event = session.event
    organizer, attendee, banned, speaker, muted, stranger = (
        UserFactory(username=name) for name in ("orga", "anna", "bert", "clara", "dora", "emil")
    )
    RegistrationFactory(event=event, user=organizer, role=Registration.Role.ORGANIZER)
    for user in (attendee, banned, speaker, muted):
        RegistrationFactory(event=event, user=user)
    Ban.objects.create(event=event, user=banned)
    session.speakers.add(SpeakerFactory(event=event, user=speaker))
    until = timezone.now() + timedelta(minutes=10)
    Mute.objects.create(session=session, user=muted, until=until)
    people = [organizer, attendee, banned, speaker, muted, stranger]
    alone = [answers(UserFactory.build(pk=user.pk), session) for user in people]

    with shared_reads(), CaptureQueriesContext(connection) as queries:
        prefetch_primed([user.pk for user in people], session)
        together = [answers(UserFactory.build(pk=user.pk), session) for user in people]

    assert together == alone
    assert [row[:3] for row in together] == [
        (Registration.Role.ORGANIZER, False, False),
        (Registration.Role.ATTENDEE, False, False),
        (Registration.Role.ATTENDEE, True, False),
        (Registration.Role.ATTENDEE, False, True),
        (Registration.Role.ATTENDEE, False, False),
        (None, False, False),
    ]
    assert together[4][3] == (until,)
    assert len(queries) == 1  # six subscribers, one query; each alone asks once


def test_outside_a_shared_block_nothing_is_kept():
    session = SessionFactory()
    user = UserFactory()
    prefetch_primed([user.pk], session)
    RegistrationFactory(event=session.event, user=user)

    assert answers(user, session)[0] == Registration.Role.ATTENDEE
