from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from . import bus


@receiver(user_logged_out, dispatch_uid="treffpunkt.realtime.close_sockets_on_logout")
def close_sockets_on_logout(sender, request, user, **kwargs):
    """Logging out ends the user's live connections in every process too."""
    if user is not None:
        bus.close_user_sockets(user.pk, reason="logged_out")
