"""What every page of the web client shares: the event lookup and the mapping of refusals.

Services refuse a change with the errors of ``treffpunkt.errors``. A view never catches them by
hand; ``handles_domain_errors`` wraps every view and ``refusals_to_form`` covers a form's save:

==================  ==============================  ============================================
raised              inside ``refusals_to_form``     escaping a view (``handles_domain_errors``)
==================  ==============================  ============================================
``NotFound``        passes through                  404
``AccessDenied``    non-field form error, 403       403, or with ``redirect_to``: message + 302
``DomainError``     error on ``field`` (else        with ``redirect_to``: message + 302;
                    non-field), ``error.status``    without: raised on (a bug in the view)
                    (400, or 409 for a conflict)
==================  ==============================  ============================================
"""

import functools
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from congress import selectors
from treffpunkt.access import allowed
from treffpunkt.errors import AccessDenied, DomainError, NotFound


def handles_domain_errors(view=None, *, redirect_to=None):
    """Turn the refusals that escape ``view`` into responses (see the table above).

    ``redirect_to`` names a URL that takes the view's ``slug``: a refused button (block, accept,
    …) shows the refusal as an error message there, as its success would.
    """
    if view is None:
        return functools.partial(handles_domain_errors, redirect_to=redirect_to)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error
        except (AccessDenied, DomainError) as error:
            if redirect_to is None:
                if isinstance(error, AccessDenied):
                    raise PermissionDenied(error.message) from error
                raise
            messages.error(request, error.message)
            return redirect(redirect_to, slug=kwargs["slug"])

    return wrapper


@contextmanager
def refusals_to_form(form, *, fields=None):
    """Run a service call for ``form``; a refusal becomes a form error and ``form.status``.

    ``fields`` maps a service's field names onto the form's (``{"start": "slot"}``). After a
    refusal the block is left and the view goes on to re-render the form.
    """
    try:
        yield
    except AccessDenied as error:
        form.add_error(None, error.message)
        form.refusal_status = 403
    except DomainError as error:
        name = (fields or {}).get(error.field, error.field)
        form.add_error(name if name in form.fields else None, error.message)
        form.refusal_status = error.status


def event_or_404(request, slug):
    event = selectors.visible_event(request.user, slug)
    if event is None:
        raise Http404
    return event


def networking_event(request, slug):
    """The event, for users who take part in its matchmaking (registered, not banned); else 403."""
    event = event_or_404(request, slug)
    if not allowed(request.user, "matchmaking.take_part", event):
        raise PermissionDenied
    return event
