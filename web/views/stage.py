"""The stage's pages: joining a session's video room from the session page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from congress import selectors
from stage import services as stage_services

from .common import event_or_404, handles_domain_errors


@handles_domain_errors
@login_required
@require_POST
def session_video(request, slug, pk):
    """Send the user on to their personal join URL (moderator for organizers and speakers)."""
    event = event_or_404(request, slug)
    session = get_object_or_404(selectors.sessions_for(event).prefetch_related(None), pk=pk)
    joined = stage_services.join_session_video(user=request.user, session=session)
    return redirect(joined["url"])
