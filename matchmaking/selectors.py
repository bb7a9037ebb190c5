"""Reads of matchmaking: profile lists and the explained recommendations of one user."""

import uuid

from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Block, Meeting, Profile, Tag
from .services import version_key

BATCH_LIMIT = 50
DEFAULT_LIMIT = 10
# At 650 attendees with 10 recommendations each, a profile shown to 50 people is in 8 % of lists.
EXPOSURE_CAP = 50


def tags_for(event):
    return Tag.objects.filter(event=event).order_by("name")


def visible_profiles_for(event, *, viewer, search="", organisation_type="", tag="", region=""):
    """Visible profiles, without users the viewer blocked or who blocked the viewer."""
    blocks = Block.objects.filter(event=event)
    profiles = (
        Profile.objects.filter(event=event, is_visible=True)
        .exclude(user__in=blocks.filter(blocker=viewer).values("blocked"))
        .exclude(user__in=blocks.filter(blocked=viewer).values("blocker"))
        .select_related("user")
    )
    if search:
        profiles = profiles.filter(
            Q(organisation__icontains=search)
            | Q(position__icontains=search)
            | Q(bio__icontains=search)
        )
    if organisation_type:
        profiles = profiles.filter(organisation_type=organisation_type)
    if region:
        profiles = profiles.filter(region__iexact=region)
    if tag:
        # JSON containment is not on every backend; a tag is a slug, so a quoted match is exact.
        quoted = f'"{tag}"'
        profiles = profiles.filter(
            Q(interests__icontains=quoted)
            | Q(offers__icontains=quoted)
            | Q(seeks__icontains=quoted)
        )
    return profiles.order_by("organisation", "user_id")


def profile_for(event, user_id, *, viewer):
    """The viewer's own profile, or a visible one of a user not in a block with the viewer."""
    profile = Profile.objects.filter(event=event, user_id=user_id).select_related("user").first()
    if profile is None or profile.user_id == viewer.pk:
        return profile
    blocked = Block.objects.filter(
        Q(blocker=viewer, blocked_id=user_id) | Q(blocker_id=user_id, blocked=viewer), event=event
    ).exists()
    if not profile.is_visible or blocked:
        return None
    return profile


def blocked_by(event, user):
    """The users ``user`` has blocked at the event, with their user rows."""
    return Block.objects.filter(event=event, blocker=user).select_related("blocked").order_by("pk")


def blocked_pairs_for(event):
    return list(Block.objects.filter(event=event).values_list("blocker_id", "blocked_id"))


def excluded_pairs_for(event):
    """Pairs never recommended to each other: blocks either way, and pairs who already have a
    pending or accepted meeting (they have found each other)."""
    met = Meeting.objects.filter(event=event, state__in=Meeting.ACTIVE_STATES).values_list(
        "requester_id", "invitee_id"
    )
    return blocked_pairs_for(event) + list(met)


def _batch_for(event):
    """The event's visible profiles as a scoring batch."""
    tag_index = {
        slug: position
        for position, slug in enumerate(
            Tag.objects.filter(event=event).order_by("pk").values_list("slug", flat=True)
        )
    }
    rows = list(
        Profile.objects.filter(event=event, is_visible=True)
        .order_by("user_id")
        .values_list("user_id", "interests", "offers", "seeks", "organisation_type")
    )

    def indices(slugs):
        return [tag_index[slug] for slug in slugs if slug in tag_index]

    return _engine().build_batch(
        [row[0] for row in rows],
        [indices(row[1]) for row in rows],
        [indices(row[2]) for row in rows],
        [indices(row[3]) for row in rows],
        [row[4] for row in rows],
        len(tag_index),
        excluded_pairs_for(event),
    )


def ranking_for(event):
    """{user id: [(user id, score), …]} for every visible profile, cached per version."""
    version = cache.get(version_key(event))
    if version is None:
        version = uuid.uuid4().hex
        cache.add(version_key(event), version, None)
        version = cache.get(version_key(event), version)
    key = f"matchmaking:ranking:{event.pk}:{version}"
    ranking = cache.get(key)
    if ranking is None:
        batch = _batch_for(event)
        top, scores = _engine().rank(
            batch, limit=BATCH_LIMIT, exposure_limit=DEFAULT_LIMIT, exposure_cap=EXPOSURE_CAP
        )
        ids = batch.user_ids.tolist()
        ranking = {
            ids[row]: [
                (ids[other], round(float(score), 4))
                for other, score in zip(top[row].tolist(), scores[row].tolist(), strict=True)
                if other >= 0
            ]
            for row in range(len(ids))
        }
        cache.set(key, ranking, 3600)
    return ranking


def _engine():
    """The scoring engine (recommendations.py), imported on first use: it brings numpy, whose
    import costs 0.1–0.2 s of CPU (OpenBLAS's threads included), and every server process
    imports this module through the URLconf as it starts, while its clients wait."""
    from . import recommendations

    return recommendations


def _names(slugs, tag_names):
    return ", ".join(tag_names[slug] for slug in slugs)


def reasons_for(mine, theirs, tag_names):
    """German sentences (via gettext) naming what the two profiles share."""
    reasons = []
    wanted = [slug for slug in mine.seeks if slug in set(theirs.offers)]
    if wanted:
        names = _names(wanted, tag_names)
        reasons.append(
            _("You seek %(seeks)s – offers: %(offers)s") % {"seeks": names, "offers": names}
        )
    given = [slug for slug in theirs.seeks if slug in set(mine.offers)]
    if given:
        names = _names(given, tag_names)
        reasons.append(
            _("Seeks %(seeks)s – you offer: %(offers)s") % {"seeks": names, "offers": names}
        )
    shared = [slug for slug in mine.interests if slug in set(theirs.interests)]
    if shared:
        reasons.append(_("Shared interests: %(tags)s") % {"tags": _names(shared, tag_names)})
    engine = _engine()
    type_index = {name: position for position, name in enumerate(engine.ORGANISATION_TYPES)}
    bonus = engine.ORGANISATION_BONUS[
        type_index[mine.organisation_type], type_index[theirs.organisation_type]
    ]
    if bonus >= 0.5:
        reasons.append(
            _("%(mine)s meets %(theirs)s")
            % {
                "mine": mine.get_organisation_type_display(),
                "theirs": theirs.get_organisation_type_display(),
            }
        )
    return reasons


def recommendations_for(profile, *, limit=DEFAULT_LIMIT):
    """The best ``limit`` visible profiles for ``profile``, each as (profile, score, reasons)."""
    ranked = ranking_for(profile.event).get(profile.user_id, [])[:limit]
    others = {
        other.user_id: other
        for other in Profile.objects.filter(
            event=profile.event, user_id__in=[user_id for user_id, _score in ranked]
        ).select_related("user")
    }
    tag_names = dict(Tag.objects.filter(event=profile.event).values_list("slug", "name"))
    items = []
    for user_id, score in ranked:
        other = others.get(user_id)
        # The cache may lag a withdrawal by the moment between commit and version bump.
        if other is None or not other.is_visible:
            continue
        items.append((other, score, reasons_for(profile, other, tag_names)))
    return items
