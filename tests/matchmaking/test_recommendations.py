import numpy as np
import pytest

from congress.models import Registration
from matchmaking.models import Block, Profile
from matchmaking.recommendations import _best_columns, build_batch, rank
from tests.factories import RegistrationFactory, UserFactory

from .factories import ProfileFactory, TagFactory

pytestmark = pytest.mark.django_db

MUNICIPALITY = Profile.OrganisationType.MUNICIPALITY
PROVIDER = Profile.OrganisationType.PROVIDER
RESEARCH = Profile.OrganisationType.RESEARCH


@pytest.fixture
def tags(event):
    names = {
        "open-data": "Open-Data-Plattform",
        "mobilitaet": "Mobilität",
        "daten": "Datenmanagement",
        "beratung": "Beratung",
        "klima": "Klimaschutz",
    }
    return {slug: TagFactory(event=event, name=name, slug=slug) for slug, name in names.items()}


def person(event, username, **fields):
    user = UserFactory(username=username)
    RegistrationFactory(event=event, user=user, role=Registration.Role.ATTENDEE)
    return ProfileFactory(event=event, user=user, **fields)


def recommended(as_user, profile, query=""):
    response = as_user(profile.user).get(
        f"/api/v1/events/{profile.event.slug}/recommendations/{query}"
    )
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def anna(event, tags):
    return person(
        event,
        "anna",
        organisation_type=MUNICIPALITY,
        interests=["mobilitaet", "daten"],
        seeks=["open-data"],
        offers=["beratung"],
    )


def test_complementary_pair_outranks_merely_similar_pair(as_user, event, anna):
    provider = person(
        event, "ben", organisation_type=PROVIDER, offers=["open-data"], seeks=["beratung"]
    )
    similar = person(
        event, "carla", organisation_type=MUNICIPALITY, interests=["mobilitaet", "daten"]
    )

    items = recommended(as_user, anna)

    assert [item["profile"]["user"] for item in items] == [provider.user_id, similar.user_id]
    assert items[0]["score"] > items[1]["score"]
    assert all(0 <= item["score"] <= 1 for item in items)


def test_one_sided_interest_ranks_below_mutual_interest(as_user, event, anna):
    mutual = person(event, "ben", offers=["open-data"], seeks=["beratung"])
    one_sided = person(event, "carla", offers=["open-data"], seeks=["klima"])

    items = recommended(as_user, anna)

    assert [item["profile"]["user"] for item in items] == [mutual.user_id, one_sided.user_id]


def test_reasons_name_the_matched_tags(as_user, event, anna):
    person(
        event,
        "ben",
        organisation_type=PROVIDER,
        offers=["open-data"],
        seeks=["beratung"],
        interests=["daten", "mobilitaet"],
    )

    (item,) = recommended(as_user, anna)

    assert item["reasons"] == [
        "Sie suchen Open-Data-Plattform – bietet: Open-Data-Plattform",
        "Sucht Beratung – Sie bieten: Beratung",
        "Gemeinsame Interessen: Mobilität, Datenmanagement",
        "Kommune trifft Lösungsanbieter",
    ]


def test_invisible_profile_never_appears(as_user, event, anna):
    person(event, "ben", offers=["open-data"], seeks=["beratung"], is_visible=False)

    assert recommended(as_user, anna) == []


@pytest.mark.parametrize("direction", ["mine", "theirs"])
def test_blocked_profile_never_appears(as_user, event, anna, direction):
    ben = person(event, "ben", offers=["open-data"], seeks=["beratung"])
    carla = person(event, "carla", offers=["open-data"])
    blocker, blocked = (anna.user, ben.user) if direction == "mine" else (ben.user, anna.user)
    Block.objects.create(event=event, blocker=blocker, blocked=blocked)

    items = recommended(as_user, anna)

    assert [item["profile"]["user"] for item in items] == [carla.user_id]
    assert anna.user_id not in [item["profile"]["user"] for item in recommended(as_user, ben)]


def test_self_never_appears(as_user, event, anna):
    anna.offers = ["open-data"]
    anna.save()

    assert recommended(as_user, anna) == []


def test_profile_change_refreshes_recommendations(
    as_user, event, anna, django_capture_on_commit_callbacks
):
    ben = person(event, "ben", offers=["open-data"])
    assert recommended(as_user, anna)[0]["reasons"] == [
        "Sie suchen Open-Data-Plattform – bietet: Open-Data-Plattform"
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(ben.user).patch(
            f"/api/v1/events/{event.slug}/profiles/me/",
            {"seeks": ["beratung"]},
            format="json",
        )

    assert response.status_code == 200
    assert recommended(as_user, anna)[0]["reasons"] == [
        "Sie suchen Open-Data-Plattform – bietet: Open-Data-Plattform",
        "Sucht Beratung – Sie bieten: Beratung",
    ]


def test_block_through_api_refreshes_recommendations(
    as_user, event, anna, django_capture_on_commit_callbacks
):
    ben = person(event, "ben", offers=["open-data"])
    assert len(recommended(as_user, anna)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        as_user(anna.user).post(
            f"/api/v1/events/{event.slug}/blocks/", {"user": ben.user_id}, format="json"
        )

    assert recommended(as_user, anna) == []


def test_limit_caps_the_list(as_user, event, anna):
    for number in range(4):
        person(event, f"p{number}", offers=["open-data"])

    assert len(recommended(as_user, anna, "?limit=2")) == 2
    assert len(recommended(as_user, anna)) == 4


def batch_with_star(seekers):
    """``seekers`` users all seeking tag 0; user 100 (the star) and user 101 both offer it, the star
    with a better fit (it also seeks what they offer)."""
    user_ids = list(range(1, seekers + 1)) + [100, 101]
    interests = [[] for _ in user_ids]
    offers = [[1]] * seekers + [[0], [0]]
    seeks = [[0]] * seekers + [[1], []]
    types = ["municipality"] * seekers + ["provider", "provider"]
    return build_batch(user_ids, interests, offers, seeks, types, 2)


def test_exposure_cap_spreads_an_overexposed_profile():
    batch = batch_with_star(6)

    uncapped, _ = rank(batch, limit=1, exposure_limit=1, exposure_cap=100)
    capped, _ = rank(batch, limit=1, exposure_limit=1, exposure_cap=1)

    star, other = 6, 7
    assert uncapped[:6, 0].tolist() == [star] * 6
    assert capped[:6, 0].tolist() == [other] * 6


def test_engine_excludes_self_and_blocked_pairs():
    batch = build_batch(
        [1, 2, 3], [[0], [0], [0]], [[], [], []], [[], [], []], ["other"] * 3, 1, [(1, 2)]
    )

    top, scores = rank(batch, limit=2)

    assert top.tolist() == [[2, -1], [2, -1], [0, 1]]
    assert scores[0, 1] == 0


def test_sampled_candidate_selection_matches_full_sort():
    rng = np.random.default_rng(7)
    upper = rng.random((300, 5000), dtype=np.float32) - 0.2
    upper[0] = -1
    upper[1, :30] = 0.5

    columns, values = _best_columns(upper, 100)

    expected = -np.sort(-np.where(upper > 0, upper, -1), axis=1)[:, :100]
    np.testing.assert_array_equal(-np.sort(-values, axis=1), expected)
    chosen = np.take_along_axis(upper, np.maximum(columns, 0), axis=1)
    np.testing.assert_array_equal(np.where(columns >= 0, chosen, -1), values)
