import pytest

from congress.models import Registration
from matchmaking.models import Block, Profile
from tests.factories import EventFactory, RegistrationFactory, UserFactory

from .factories import ProfileFactory, TagFactory

pytestmark = pytest.mark.django_db


def registered(event, username):
    user = UserFactory(username=username)
    RegistrationFactory(event=event, user=user, role=Registration.Role.ATTENDEE)
    return user


def url(event, rest):
    return f"/api/v1/events/{event.slug}/{rest}"


ROUTES = [
    ("get", "profiles/me/"),
    ("patch", "profiles/me/"),
    ("get", "profiles/"),
    ("get", "tags/"),
    ("get", "recommendations/"),
    ("post", "blocks/"),
]


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_route_anonymous_gets_401(api, event, method, route):
    response = getattr(api, method)(url(event, route), {}, format="json")

    assert response.status_code == 401
    assert Profile.objects.count() == 0


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_route_unregistered_gets_403(as_user, event, method, route):
    client = as_user(UserFactory(username="fremd"))

    response = getattr(client, method)(url(event, route), {}, format="json")

    assert response.status_code == 403
    assert Profile.objects.count() == 0
    assert Block.objects.count() == 0


def test_my_profile_first_get_creates_hidden_profile(as_user, event, attendee):
    response = as_user(attendee).get(url(event, "profiles/me/"))

    assert response.status_code == 200
    assert response.json()["user"] == attendee.pk
    assert response.json()["is_visible"] is False
    assert Profile.objects.get(event=event, user=attendee).is_visible is False


def test_profile_list_shows_only_visible_profiles(as_user, event, attendee):
    shown = ProfileFactory(event=event, user=registered(event, "ben"), is_visible=True)
    ProfileFactory(event=event, user=registered(event, "carla"), is_visible=False)
    as_user(attendee).get(url(event, "profiles/me/"))

    response = as_user(attendee).get(url(event, "profiles/"))

    assert response.status_code == 200
    assert [item["user"] for item in response.json()["results"]] == [shown.user_id]


def test_profile_list_filters_by_search_type_tag_and_region(as_user, event, attendee):
    TagFactory(event=event, name="Mobilität", slug="mobilitaet")
    ben = ProfileFactory(
        event=event,
        user=registered(event, "ben"),
        organisation="Stadt Kassel",
        organisation_type=Profile.OrganisationType.MUNICIPALITY,
        region="Nordhessen",
        interests=["mobilitaet"],
    )
    ProfileFactory(event=event, user=registered(event, "carla"), organisation="Datenwerk GmbH")
    client = as_user(attendee)

    for query in (
        "q=kassel",
        "organisation_type=municipality",
        "tag=mobilitaet",
        "region=nordhessen",
    ):
        response = client.get(url(event, f"profiles/?{query}"))
        assert [item["user"] for item in response.json()["results"]] == [ben.user_id], query


def test_profile_detail_of_hidden_profile_is_404_unless_own(as_user, event, attendee):
    hidden = ProfileFactory(event=event, user=registered(event, "ben"), is_visible=False)
    ProfileFactory(event=event, user=attendee, is_visible=False)

    assert as_user(attendee).get(url(event, f"profiles/{hidden.user_id}/")).status_code == 404
    assert as_user(attendee).get(url(event, f"profiles/{attendee.pk}/")).status_code == 200


def test_patch_my_profile_opts_in_and_sets_tags(as_user, event, attendee):
    TagFactory(event=event, name="Open Data", slug="open-data")

    response = as_user(attendee).patch(
        url(event, "profiles/me/"),
        {"is_visible": True, "offers": ["open-data"], "organisation_type": "provider"},
        format="json",
    )

    assert response.status_code == 200
    profile = Profile.objects.get(event=event, user=attendee)
    assert (profile.is_visible, profile.offers, profile.organisation_type) == (
        True,
        ["open-data"],
        "provider",
    )


def test_patch_unknown_tag_is_400_naming_the_field(as_user, event, attendee):
    TagFactory(event=event, name="Open Data", slug="open-data")
    ProfileFactory(event=event, user=attendee, offers=["open-data"])

    response = as_user(attendee).patch(
        url(event, "profiles/me/"), {"offers": ["open-data", "raumfahrt"]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["offers"]
    assert "raumfahrt" in response.json()["offers"][0]
    assert Profile.objects.get(event=event, user=attendee).offers == ["open-data"]


def test_tag_of_another_event_is_unknown(as_user, event, attendee):
    TagFactory(event=EventFactory(), slug="open-data")

    response = as_user(attendee).patch(
        url(event, "profiles/me/"), {"seeks": ["open-data"]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["seeks"]


def test_tags_lists_the_vocabulary(as_user, event, attendee):
    TagFactory(event=event, name="Open Data", slug="open-data")
    TagFactory(event=event, name="Mobilität", slug="mobilitaet")

    response = as_user(attendee).get(url(event, "tags/"))

    assert response.json() == [
        {"name": "Mobilität", "slug": "mobilitaet"},
        {"name": "Open Data", "slug": "open-data"},
    ]


def test_block_and_unblock(as_user, event, attendee):
    ben = registered(event, "ben")
    client = as_user(attendee)

    assert client.post(url(event, "blocks/"), {"user": ben.pk}, format="json").status_code == 201
    assert Block.objects.filter(event=event, blocker=attendee, blocked=ben).count() == 1
    assert client.delete(url(event, "blocks/"), {"user": ben.pk}, format="json").status_code == 204
    assert Block.objects.count() == 0


def test_block_oneself_is_400(as_user, event, attendee):
    response = as_user(attendee).post(url(event, "blocks/"), {"user": attendee.pk}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["user"]
    assert Block.objects.count() == 0


def test_blocked_profile_is_not_listed_either_way(as_user, event, attendee):
    ben = ProfileFactory(event=event, user=registered(event, "ben"))
    Block.objects.create(event=event, blocker=ben.user, blocked=attendee)

    response = as_user(attendee).get(url(event, "profiles/"))

    assert response.json()["results"] == []


@pytest.mark.parametrize("count", [1, 3])
def test_profile_list_query_count(as_user, event, attendee, django_assert_num_queries, count):
    for number in range(count):
        ProfileFactory(event=event, user=registered(event, f"person{number}"))
    client = as_user(attendee)

    # token, event, registration, ban, count, page
    with django_assert_num_queries(6):
        response = client.get(url(event, "profiles/"))

    assert len(response.json()["results"]) == count


def test_recommendations_refused_while_own_profile_hidden(as_user, event, attendee):
    ProfileFactory(event=event, user=attendee, is_visible=False)

    response = as_user(attendee).get(url(event, "recommendations/"))

    assert response.status_code == 403


def test_recommendations_limit_out_of_range_is_400(as_user, event, attendee):
    ProfileFactory(event=event, user=attendee)

    response = as_user(attendee).get(url(event, "recommendations/?limit=51"))

    assert response.status_code == 400
    assert list(response.json()) == ["limit"]


@pytest.mark.parametrize("direction", ["mine", "theirs"])
def test_profile_detail_in_a_block_is_404(as_user, event, attendee, direction):
    ben = ProfileFactory(event=event, user=registered(event, "ben"))
    blocker, blocked = (attendee, ben.user) if direction == "mine" else (ben.user, attendee)
    Block.objects.create(event=event, blocker=blocker, blocked=blocked)

    response = as_user(attendee).get(url(event, f"profiles/{ben.user_id}/"))

    assert response.status_code == 404
