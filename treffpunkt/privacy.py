"""The data-protection registry every app plugs into (DSGVO Art. 15, 17, 20, 7(3), 30).

Apps may not import each other (nor ``accounts`` or ``privacy``), so each one declares here what
it stores about a person and how that is handled; the ``privacy`` app orchestrates:

- **Exporters** (``@exporter("matchmaking")``): ``(user) -> JSON-able data`` for the person's
  archive. A ``FieldFile`` value is packed into the archive as a file.
- **Shredders** (``@shredder("matchmaking", "Deletes profiles, …")``):
  ``(user, *, strings) -> {what: count}``,
  erasing or scrubbing the person's rows when they erase their account. Each says what it does;
  ``strings`` are the person's name, username and e-mail as they were, for scrubbing copies.
- **Declarations** (``declare("matchmaking.Profile", exported=…, erased=…, kept={field: why})``):
  which fields are exported, which erased, and which kept and why. The audit test
  (tests/privacy/test_audit.py) fails when a field that can hold personal data is in none of them.
- **Retention erasers** (``@retention_eraser("leads")``): ``(event) -> count`` erasing a kind of
  personal data of one event after its retention date.
- **Consent and access recorders**: ``record_consent(…)``, ``has_consent(…)`` and
  ``record_access(…)`` forward to the implementation the ``accounts`` and ``privacy`` apps
  register, so domain apps record without importing them. Without a registered recorder nothing
  is recorded (an app alone in a test).
- **Default consent texts** (``consent_default(document, message)``): the platform's own text of
  a consent, shown where the organizers wrote none.
- **Consent texts** (``consent_text_source``): ``(event, document, language) -> {"version",
  "text"} | None``, the organizers' current text of a consent; ``privacy`` registers the texts
  organizers edit per event and language. An app asks :func:`current_consent_text` for the text
  it shows and the version it records with the consent (the platform's own text, version
  ``"default"``, where the organizers wrote none).

Apps register in their ``AppConfig.ready``.
"""

from dataclasses import dataclass, field

ERASED_NAME = "gelöschte Person"
"""How an erased person appears where their contributions stay (chat, questions, conversations)."""


@dataclass
class Declaration:
    label: str
    exported: frozenset = frozenset()
    erased: frozenset = frozenset()
    kept: dict = field(default_factory=dict)
    not_personal: str = ""


@dataclass(frozen=True)
class Shredder:
    name: str
    description: str
    function: object
    order: int


_exporters = {}
_shredders = {}
_declarations = {}
_retention_erasers = {}
_consent_recorders = []
_access_recorders = []
_withdrawal_handlers = {}
_consent_text_sources = []
_consent_defaults = {}
_consent_checkers = []


def exporter(name):
    """Register ``function(user) -> data`` as the archive section ``name``."""

    def register(function):
        _exporters[name] = function
        return function

    return register


def exporters():
    return dict(_exporters)


def shredder(name, description, *, order=50):
    """Register ``function(user, *, strings) -> {what: count}``; lower ``order`` runs first."""

    def register(function):
        _shredders[name] = Shredder(name, str(description), function, order)
        return function

    return register


def shredders():
    return sorted(_shredders.values(), key=lambda item: (item.order, item.name))


def declare(label, *, exported=(), erased=(), kept=None, not_personal=""):
    """Say how the fields of model ``label`` ("app_label.Model") are handled.

    ``not_personal`` (a reason) declares a model that holds nothing about a person.
    """
    _declarations[label] = Declaration(
        label, frozenset(exported), frozenset(erased), dict(kept or {}), not_personal
    )


def declarations():
    return dict(_declarations)


def retention_eraser(kind):
    """Register ``function(event) -> count`` erasing the ``kind`` of data of one event."""

    def register(function):
        functions = _retention_erasers.setdefault(kind, [])
        if function not in functions:
            functions.append(function)
        return function

    return register


def retention_erasers():
    """``{kind: [function, …]}``: several apps may erase a kind (chats: sessions, conversations)."""
    return {kind: list(functions) for kind, functions in _retention_erasers.items()}


def consent_recorder(function):
    if function not in _consent_recorders:
        _consent_recorders.append(function)
    return function


def record_consent(*, user, event, document, given, method, scope="", version="1"):
    """Record that ``user`` gave (``given=True``) or withdrew a consent, and how (``method``)."""
    for recorder in _consent_recorders:
        recorder(
            user=user,
            event=event,
            document=document,
            given=given,
            method=method,
            scope=scope,
            version=version,
        )


def consent_checker(function):
    if function not in _consent_checkers:
        _consent_checkers.append(function)
    return function


def has_consent(*, user, event, document, version, scope=""):
    """Whether ``user`` has an active consent to ``version`` of ``document`` at ``event``
    (False without a registered checker)."""
    return any(
        checker(user=user, event=event, document=document, version=version, scope=scope)
        for checker in _consent_checkers
    )


def consent_text_source(function):
    if function not in _consent_text_sources:
        _consent_text_sources.append(function)
    return function


def consent_text(*, event, document, language):
    """The organizers' current text of ``document`` at ``event`` in ``language``
    (``{"version", "text"}``), or None when they wrote none (or no source is registered)."""
    for source in _consent_text_sources:
        found = source(event, document, language)
        if found is not None:
            return found
    return None


DEFAULT_VERSION = "default"
"""The version recorded with a consent to the platform's own text (the organizers wrote none)."""


def consent_default(document, message):
    """Register the platform's own text of ``document`` (a ``gettext_noop`` message), shown and
    consented to where the organizers of an event wrote none."""
    _consent_defaults[document] = message
    return message


def current_consent_text(*, event, document, language=None):
    """``{"version", "text"}`` a person consents to for ``document`` at ``event``: the
    organizers' text in ``language`` (the active language when None), else the platform's own
    (:func:`consent_default`, translated) with version ``"default"``; None without either."""
    from django.conf import settings
    from django.utils import translation

    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    found = consent_text(event=event, document=document, language=language)
    if found is not None:
        return found
    if document not in _consent_defaults:
        return None
    with translation.override(language):
        return {
            "version": DEFAULT_VERSION,
            "text": translation.gettext(_consent_defaults[document]),
        }


def withdrawal_handler(document):
    """Register ``function(user, event, scope)`` that ends the processing a withdrawn consent of
    ``document`` allowed (matchmaking hides the profile, the expo deletes the lead)."""

    def register(function):
        _withdrawal_handlers[document] = function
        return function

    return register


def withdraw_effect(*, user, event, document, scope):
    """Apply the registered effect of withdrawing ``document``; returns whether there was one."""
    function = _withdrawal_handlers.get(document)
    if function is None:
        return False
    function(user, event, scope)
    return True


def access_recorder(function):
    if function not in _access_recorders:
        _access_recorders.append(function)
    return function


def record_access(*, actor, what, subject_ids, event=None):
    """Record that ``actor`` read personal data (``what``) of the people ``subject_ids``."""
    for recorder in _access_recorders:
        recorder(actor=actor, what=what, subject_ids=list(subject_ids), event=event)


def scrub_json(value, *, user_id, strings):
    """``value`` with the person's name and texts removed: dicts naming ``user_id`` lose their
    name and text; any string containing one of ``strings`` becomes ERASED_NAME."""
    if isinstance(value, dict):
        names_person = any(
            isinstance(value.get(key), dict) and value[key].get("id") == user_id
            for key in ("user", "sender", "author", "from", "by", "requester", "invitee", "with")
        ) or (value.get("id") == user_id and "name" in value)
        result = {}
        for key, item in value.items():
            if names_person and key in ("text", "message"):
                result[key] = ""
            elif names_person and key == "name":
                result[key] = ERASED_NAME
            else:
                result[key] = scrub_json(item, user_id=user_id, strings=strings)
        return result
    if isinstance(value, list):
        return [scrub_json(item, user_id=user_id, strings=strings) for item in value]
    if isinstance(value, str) and any(s and s.lower() in value.lower() for s in strings):
        return ERASED_NAME
    return value


def rows(queryset, *fields):
    """The rows of ``queryset`` as dicts of ``fields`` (for exporters)."""
    return list(queryset.values(*fields))
