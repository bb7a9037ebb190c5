"""factory_boy factories for the domain; tests build what they need with these."""

from datetime import date, datetime, time, timedelta

import factory
from django.contrib.auth import get_user_model

from congress.models import Event, Registration, Room, Session, Speaker, Track
from expo.models import Category, Exhibitor, ExhibitorStaff

PASSWORD = "treffpunkt"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def persist_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"event-{n}")
    acronym = factory.Sequence(lambda n: f"evt{n:04d}")
    name = factory.Sequence(lambda n: f"Kongress {n}")
    start_date = factory.LazyFunction(lambda: date(2026, 6, 10))
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=1))
    languages = factory.LazyFunction(lambda: ["de", "en"])
    is_published = True


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Bühne {n}")
    capacity = 200
    position = factory.Sequence(lambda n: n)


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Track {n}")
    color = "#005ea8"


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Dr. Beispiel {n}")
    organisation = "Stadt Musterhausen"


def at(event, hour, minute=0, day=0):
    """An aware datetime on the event's ``day``-th day at local ``hour:minute``."""
    return datetime.combine(
        event.start_date + timedelta(days=day), time(hour, minute), tzinfo=event.tz
    )


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Vortrag {n}")
    abstract = "Worum es geht."
    kind = Session.Kind.TALK
    room = factory.SubFactory(RoomFactory, event=factory.SelfAttribute("..event"))
    track = None
    start = factory.LazyAttribute(lambda o: at(o.event, 10))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(minutes=45))

    @factory.post_generation
    def speakers(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.speakers.set(extracted)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    role = Registration.Role.ATTENDEE


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Kategorie {n}")
    slug = factory.Sequence(lambda n: f"kategorie-{n}")


class ExhibitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exhibitor

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Aussteller {n} GmbH")
    slug = factory.Sequence(lambda n: f"aussteller-{n}")
    status = Exhibitor.Status.PUBLISHED


class ExhibitorStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExhibitorStaff

    exhibitor = factory.SubFactory(ExhibitorFactory)
    user = factory.SubFactory(UserFactory)
