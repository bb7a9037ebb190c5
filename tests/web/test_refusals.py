"""The one mapping of service refusals onto web responses (web/views/common.py)."""

import pytest
from django import forms
from django.contrib.messages import ERROR
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from treffpunkt.errors import AccessDenied, ConflictError, DomainError, NotFound
from web.forms import Form
from web.views.common import handles_domain_errors, refusals_to_form


class SlotForm(Form):
    slot = forms.CharField()
    note = forms.CharField(required=False)


def post():
    request = RequestFactory().post("/events/tagung/meetings/1/accept/")
    request._messages = CookieStorage(request)
    return request


def refusing(error):
    def view(request, slug):
        raise error

    return view


def said(request):
    return [(message.level, message.message) for message in request._messages]


def test_not_found_escaping_a_view_is_404():
    with pytest.raises(Http404):
        handles_domain_errors(refusing(NotFound("Gibt es nicht.")))(post(), slug="tagung")


def test_access_denied_escaping_a_view_is_403_with_its_message():
    view = handles_domain_errors(refusing(AccessDenied("Nicht für Sie.")))

    with pytest.raises(PermissionDenied) as refused:
        view(post(), slug="tagung")

    assert str(refused.value) == "Nicht für Sie."


@pytest.mark.parametrize("error", [DomainError("Zu spät."), AccessDenied("Zu spät.")])
def test_refusal_of_a_button_is_a_message_on_the_page_it_returns_to(error):
    request = post()

    response = handles_domain_errors(refusing(error), redirect_to="web:meetings")(
        request, slug="tagung"
    )

    assert (response.status_code, response["Location"]) == (302, "/events/tagung/meetings/")
    assert said(request) == [(ERROR, "Zu spät.")]


def test_domain_error_of_a_view_without_a_target_is_not_swallowed():
    with pytest.raises(DomainError):
        handles_domain_errors(refusing(DomainError("Unerwartet.")))(post(), slug="tagung")


def test_view_without_refusal_answers_as_it_would():
    def view(request, slug):
        return HttpResponse(slug)

    response = handles_domain_errors(redirect_to="web:meetings")(view)(post(), slug="tagung")

    assert (response.status_code, response.content) == (200, b"tagung")


def saved(form, error, **options):
    """Run a refusing service call for a valid ``form``; True when the block ran to its end."""
    assert form.is_valid()
    with refusals_to_form(form, **options):
        raise error
    return False


def test_field_error_lands_on_the_mapped_field_with_the_conflict_status():
    form = SlotForm({"slot": "9:00"})

    saved(form, ConflictError("Belegt.", field="start"), fields={"start": "slot"})

    assert (form.errors, form.status) == ({"slot": ["Belegt."]}, 409)


def test_error_on_a_field_the_form_lacks_is_a_form_error():
    form = SlotForm({"slot": "9:00"})

    saved(form, DomainError("Falsch.", field="invitee"))

    assert (form.errors, form.status) == ({"__all__": ["Falsch."]}, 400)


def test_access_denied_is_a_form_error_with_403():
    form = SlotForm({"slot": "9:00"})

    saved(form, AccessDenied("Gesperrt."))

    assert (form.errors, form.status) == ({"__all__": ["Gesperrt."]}, 403)


def test_not_found_passes_through_the_form():
    form = SlotForm({"slot": "9:00"})

    with pytest.raises(NotFound):
        saved(form, NotFound())


def test_form_status_without_refusal_is_200_or_400_for_bad_input():
    assert (SlotForm().status, SlotForm({}).status, SlotForm({"slot": "9"}).status) == (
        200,
        400,
        200,
    )
