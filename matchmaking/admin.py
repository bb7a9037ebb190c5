from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from treffpunkt.errors import AccessDenied

from .meetings import resolve_report
from .models import Block, Meeting, MeetingSlot, Profile, Report, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "event"]
    list_filter = ["event"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "organisation", "organisation_type", "is_visible"]
    list_filter = ["event", "organisation_type", "is_visible"]
    search_fields = ["user__username", "organisation"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "event", "created_at"]
    list_filter = ["event"]


@admin.register(MeetingSlot)
class MeetingSlotAdmin(admin.ModelAdmin):
    list_display = ["start", "end", "event"]
    list_filter = ["event"]
    date_hierarchy = "start"


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Read only: meetings change through matchmaking.meetings, which keeps the holds in step."""

    list_display = ["start", "end", "requester", "invitee", "state", "event"]
    list_filter = ["event", "state"]
    search_fields = ["requester__username", "invitee__username"]
    date_hierarchy = "start"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reporter", "reported", "state", "event"]
    list_filter = ["event", "state"]
    readonly_fields = ["event", "reporter", "reported", "conversation", "reason", "created_at"]
    actions = ["mark_resolved"]

    @admin.action(description=_("Mark as resolved"))
    def mark_resolved(self, request, queryset):
        for report in queryset.select_related("event"):
            try:
                resolve_report(report, user=request.user)
            except AccessDenied as error:
                self.message_user(request, f"{report}: {error.message}", messages.ERROR)

    def has_add_permission(self, request):
        return False
