"""Every field that can hold personal data is exported, erased, or kept with a reason.

The walk covers every installed model — Django's and DRF's, allauth's, the task queue's, the
realtime log — so a model added later cannot forget data protection: it fails here until its app
declares it in ``treffpunkt.privacy`` (see docs/data-protection.md).
"""

from django.apps import apps
from django.conf import settings
from django.db import models

from treffpunkt import privacy

TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.JSONField,
    models.FileField,
    models.BinaryField,
    models.GenericIPAddressField,
)


def concrete_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    ]


def is_user_relation(field):
    return (
        field.is_relation
        and field.related_model is not None
        and (field.related_model._meta.label == settings.AUTH_USER_MODEL)
    )


def can_hold_personal_data(field):
    return not field.primary_key and (isinstance(field, TEXT_FIELDS) or is_user_relation(field))


def test_every_model_is_declared():
    missing = [
        model._meta.label
        for model in concrete_models()
        if model._meta.label not in privacy.declarations()
    ]
    assert missing == []


def undeclared_fields(declarations):
    undeclared = []
    for model in concrete_models():
        declaration = declarations.get(model._meta.label)
        if declaration is None:
            continue
        covered = declaration.exported | declaration.erased | set(declaration.kept)
        for field in model._meta.concrete_fields:
            if not can_hold_personal_data(field):
                continue
            if declaration.not_personal and not is_user_relation(field):
                continue
            if field.name not in covered:
                undeclared.append(f"{model._meta.label}.{field.name}")
    return undeclared


def test_every_personal_field_is_exported_erased_or_kept():
    assert undeclared_fields(privacy.declarations()) == []


def test_the_audit_names_a_forgotten_field():
    declarations = privacy.declarations()
    chat = declarations["congress.ChatMessage"]
    declarations["congress.ChatMessage"] = privacy.Declaration(
        chat.label, frozenset(), frozenset(), {}, ""
    )
    assert undeclared_fields(declarations) == [
        "congress.ChatMessage.user",
        "congress.ChatMessage.text",
        "congress.ChatMessage.client_id",
    ]


def test_models_declared_not_personal_name_nobody():
    named = [
        f"{model._meta.label}.{field.name}"
        for model in concrete_models()
        if privacy.declarations().get(model._meta.label, privacy.Declaration("")).not_personal
        for field in model._meta.concrete_fields
        if is_user_relation(field)
    ]
    assert named == []


def test_declarations_name_existing_fields_and_give_reasons():
    stale = []
    for label, declaration in privacy.declarations().items():
        model = apps.get_model(label)
        names = {field.name for field in model._meta.concrete_fields}
        for name in declaration.exported | declaration.erased | set(declaration.kept):
            if name not in names:
                stale.append(f"{label}.{name}")
        stale += [
            f"{label}.{name} (no reason)" for name, why in declaration.kept.items() if not why
        ]
    assert stale == []


def test_every_shredder_says_what_it_does():
    assert all(len(item.description) > 20 for item in privacy.shredders())
    assert {item.name for item in privacy.shredders()} >= {
        "identity",
        "accounts",
        "congress",
        "conversations",
        "expo",
        "matchmaking",
        "privacy",
        "realtime",
    }
