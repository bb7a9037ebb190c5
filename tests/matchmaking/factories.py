import factory

from matchmaking.models import Profile, Tag
from tests.factories import EventFactory, UserFactory


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    is_visible = True
    organisation = factory.Sequence(lambda n: f"Organisation {n}")
