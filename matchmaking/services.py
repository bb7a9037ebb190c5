"""Every change to matchmaking data happens here; each one invalidates the event's recommendations."""

import uuid

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from treffpunkt import privacy
from treffpunkt.access import require

from .errors import MatchmakingError
from .models import Block, Profile, Tag

TAG_FIELDS = ("interests", "offers", "seeks")
MAX_TAGS = 30
MAX_LANGUAGES = 10

VISIBILITY_CONSENT = "matchmaking_visibility"

privacy.consent_default(
    VISIBILITY_CONSENT,
    gettext_noop(
        "Once visible, registered attendees of this event see your name, organisation, "
        "position, region, interests, offers, languages and the text about you, and you may be "
        "recommended to them. Your email address is never shown. People you block do not see "
        "you.\n\nYou can withdraw at any time: untick the box and save, or withdraw under “My "
        "data”; your profile leaves all lists and recommendations at once."
    ),
)


def visibility_consent_text(event, language=None):
    """``{"version", "text"}`` of the consent to being visible in matchmaking at ``event``: the
    organizers' text, else the platform's own (version ``default``)."""
    return privacy.current_consent_text(event=event, document=VISIBILITY_CONSENT, language=language)


def version_key(event):
    return f"matchmaking:version:{event.pk}"


def bump_version(event):
    """Give the event a new recommendations version once the transaction commits.

    A random token rather than a counter: if the cache loses the key, a fresh token still cannot
    match a stale batch.
    """
    transaction.on_commit(lambda: cache.set(version_key(event), uuid.uuid4().hex, None))


def ensure_profile(event, *, user):
    """The user's profile at the event, created hidden on first use.

    Raises AccessDenied for users not registered to the event.
    """
    require(user, "matchmaking.take_part", event)
    profile, created = Profile.objects.get_or_create(event=event, user=user)
    return profile


def _clean_tags(event, field, values):
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise MatchmakingError(_("Give a list of tags."), field=field)
    if len(values) > MAX_TAGS:
        raise MatchmakingError(_("At most %(count)d tags.") % {"count": MAX_TAGS}, field=field)
    known = set(Tag.objects.filter(event=event, slug__in=values).values_list("slug", flat=True))
    unknown = [value for value in values if value not in known]
    if unknown:
        raise MatchmakingError(
            _("Unknown tags: %(tags)s.") % {"tags": ", ".join(sorted(set(unknown)))},
            field=field,
        )
    return list(dict.fromkeys(values))


def update_profile(profile, *, user, **changes):
    """Change fields of one's own profile, including ``is_visible`` (opt in or withdraw).

    ``is_visible=True`` records the consent to :func:`visibility_consent_text`'s current version
    (again after a new version: that is how a changed text is confirmed); turning it off records
    the withdrawal.
    Tag fields must name slugs of the event's vocabulary, else MatchmakingError on that field.
    Side effect: the event's recommendations are recomputed on the next request.
    """
    require(user, "matchmaking.take_part", profile.event)
    if profile.user_id != user.pk:
        raise MatchmakingError(_("This is not your profile."))
    for field in TAG_FIELDS:
        if field in changes:
            changes[field] = _clean_tags(profile.event, field, changes[field])
    if "languages" in changes:
        languages = changes["languages"]
        if not isinstance(languages, list) or not all(
            isinstance(code, str) and 0 < len(code) <= 8 for code in languages
        ):
            raise MatchmakingError(_("Give a list of language codes."), field="languages")
        if len(languages) > MAX_LANGUAGES:
            raise MatchmakingError(
                _("At most %(count)d languages.") % {"count": MAX_LANGUAGES}, field="languages"
            )
    with transaction.atomic():
        was_visible = profile.is_visible
        for field, value in changes.items():
            setattr(profile, field, value)
        profile.full_clean()
        profile.save()
        bump_version(profile.event)
        if "is_visible" in changes and (profile.is_visible or was_visible):
            # Ticked (again, with the current text shown): a consent to that version, once;
            # unticked: the withdrawal.
            privacy.record_consent(
                user=user,
                event=profile.event,
                document=VISIBILITY_CONSENT,
                given=profile.is_visible,
                method="profile setting",
                version=visibility_consent_text(profile.event)["version"]
                if profile.is_visible
                else "",
            )
    return profile


def block_user(event, *, user, blocked_id):
    """Block another user at this event; idempotent.

    Raises MatchmakingError for oneself or an unknown user, AccessDenied when not registered.
    """
    require(user, "matchmaking.take_part", event)
    if blocked_id == user.pk:
        raise MatchmakingError(_("You cannot block yourself."), field="user")
    blocked = get_user_model().objects.filter(pk=blocked_id).first()
    if blocked is None:
        raise MatchmakingError(_("Unknown user."), field="user")
    with transaction.atomic():
        block, _created = Block.objects.get_or_create(event=event, blocker=user, blocked=blocked)
        bump_version(event)
    return block


def unblock_user(event, *, user, blocked_id):
    """Lift one's own block; lifting a block that does not exist is not an error."""
    require(user, "matchmaking.take_part", event)
    with transaction.atomic():
        Block.objects.filter(event=event, blocker=user, blocked_id=blocked_id).delete()
        bump_version(event)
