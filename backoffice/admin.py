from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from treffpunkt.errors import AccessDenied, DomainError

from .importing import import_from_source
from .models import Release, ScheduleSource, Webhook, WebhookDelivery


@admin.register(ScheduleSource)
class ScheduleSourceAdmin(admin.ModelAdmin):
    list_display = ["url", "event", "last_imported_at", "last_summary"]
    list_filter = ["event"]
    readonly_fields = ["last_imported_at", "last_summary"]
    actions = ["import_now", "dry_run"]

    def _run(self, request, queryset, *, dry_run):
        for source in queryset.select_related("event"):
            try:
                report = import_from_source(source, user=request.user, dry_run=dry_run)
            except (DomainError, AccessDenied) as error:
                self.message_user(request, f"{source.url}: {error}", messages.ERROR)
                continue
            sessions = report["sessions"]
            self.message_user(
                request,
                _(
                    "%(url)s: %(created)s created, %(updated)s updated, %(cancelled)s cancelled, "
                    "%(conflicts)s conflicts%(dry)s"
                )
                % {
                    "url": source.url,
                    "created": len(sessions["created"]),
                    "updated": len(sessions["updated"]),
                    "cancelled": len(sessions["cancelled"]),
                    "conflicts": len(report["conflicts"]),
                    "dry": _(" (dry run, nothing kept)") if dry_run else "",
                },
                messages.WARNING if report["conflicts"] else messages.SUCCESS,
            )
            for conflict in report["conflicts"]:
                self.message_user(
                    request, f"{conflict['title']}: {conflict['message']}", messages.WARNING
                )

    @admin.action(description=_("Import the programme now"))
    def import_now(self, request, queryset):
        self._run(request, queryset, dry_run=False)

    @admin.action(description=_("Show what an import would change"))
    def dry_run(self, request, queryset):
        self._run(request, queryset, dry_run=True)


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["version", "event", "created_at"]
    list_filter = ["event"]
    readonly_fields = ["snapshot", "diff", "programme_version", "created_by"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["url", "event", "scope", "is_active", "created_at"]
    list_filter = ["event", "is_active"]
    # The secret stays out of the admin: it is shown once, to whoever created the endpoint.
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["delivery_id", "webhook", "name", "status", "attempts", "created_at"]
    list_filter = ["status", "name"]
    readonly_fields = ["webhook", "name", "body", "status", "attempts", "finished_at"]
