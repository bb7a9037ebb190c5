"""The stage's buttons: joining the video room of a session, a booth or an accepted meeting."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from congress import selectors
from expo.models import Exhibitor
from matchmaking.models import Meeting
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


@handles_domain_errors
@login_required
@require_POST
def booth_video(request, slug, pk):
    """Join a booth's video room (its staff as moderators)."""
    event = event_or_404(request, slug)
    exhibitor = get_object_or_404(Exhibitor.objects.select_related("event"), event=event, pk=pk)
    joined = stage_services.join_booth_video(user=request.user, exhibitor=exhibitor)
    return redirect(joined["url"])


@handles_domain_errors
@login_required
@require_POST
def meeting_video(request, slug, pk):
    """Join an accepted meeting's video room (only its two participants)."""
    event = event_or_404(request, slug)
    meeting = get_object_or_404(Meeting.objects.select_related("event"), event=event, pk=pk)
    joined = stage_services.join_meeting_video(user=request.user, meeting=meeting)
    return redirect(joined["url"])
