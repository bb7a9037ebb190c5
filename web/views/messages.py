"""1:1 messages: the list of conversations, the live chat page, and "write a message".

Every call into the conversations app is in this module (``conversations.*`` below), so moving
that app touches one import here; the other networking pages use ``networking_context`` and
``conversation_or_404``.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from conversations import selectors as conversations
from conversations import services as conversation_services
from matchmaking import meetings as meeting_services
from matchmaking import selectors as matchmaking_selectors
from matchmaking.models import Meeting

from .common import handles_domain_errors, networking_event


def networking_context(request, event, **context):
    """What every networking page needs: the event and the nav badge's unread count."""
    return {
        "event": event,
        "unread_total": conversations.unread_total(request.user, event),
        **context,
    }


def conversation_or_404(request, event, pk):
    """One of the user's conversations at ``event`` (NotFound, so 404, for any other)."""
    found = conversations.load_conversation(request.user, pk)
    if found.event_id != event.pk:
        raise Http404
    return found


@handles_domain_errors(redirect_to="web:networking")
@login_required
@require_POST
def start_conversation(request, slug, user_id):
    """ "Write a message" from networking: open (or reuse) the 1:1 conversation, go to the chat."""
    event = networking_event(request, slug)
    profile = matchmaking_selectors.profile_for(event, user_id, viewer=request.user)
    if profile is not None:
        other = profile.user
    else:
        # A meeting partner stays reachable after hiding their profile.
        partners = meeting_services.meetings_for(
            request.user, event, states=Meeting.ACTIVE_STATES
        ).filter(Q(requester_id=user_id) | Q(invitee_id=user_id))
        meeting = partners.first()
        if meeting is None:
            raise Http404
        other = meeting.invitee if meeting.invitee_id == user_id else meeting.requester
    conversation, _created = conversation_services.open_conversation(
        user=request.user, other=other, event=event, origin="match"
    )
    return redirect("web:conversation", slug=event.slug, pk=conversation.pk)


@handles_domain_errors
@login_required
@require_GET
def messages_list(request, slug):
    """The user's 1:1 conversations at the event, with unread counts."""
    event = networking_event(request, slug)
    user = request.user
    items = [
        {
            "conversation": conversation,
            "name": meeting_services.display_name(conversation.other(user)),
            "unread": conversation.unread,
        }
        for conversation in conversations.conversations_for(user, event)
    ]
    return render(
        request,
        "web/messages.html",
        {
            "event": event,
            "items": items,
            "unread_total": sum(item["unread"] for item in items),
        },
    )


@handles_domain_errors
@login_required
@require_GET
def conversation(request, slug, pk):
    """The live 1:1 chat; only its two participants see it (404 for everyone else)."""
    event = networking_event(request, slug)
    found = conversation_or_404(request, event, pk)
    other = found.other(request.user)
    return render(
        request,
        "web/conversation.html",
        networking_context(
            request,
            event,
            conversation=found,
            other=other,
            name=meeting_services.display_name(other),
        ),
    )
