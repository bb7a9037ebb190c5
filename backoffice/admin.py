from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from treffpunkt.errors import AccessDenied, DomainError

from .importing import import_from_source
from .models import Release, ScheduleImport, ScheduleSource, Webhook, WebhookDelivery

# A URL typed without a scheme is an https one (Django 6's default; no deprecation warning now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ScheduleSource)
class ScheduleSourceAdmin(admin.ModelAdmin):
    list_display = ["url", "event", "last_imported_at", "last_summary"]
    list_filter = ["event"]
    readonly_fields = ["last_imported_at", "last_summary"]
    actions = ["import_now", "dry_run"]
    formfield_overrides = HTTPS_URLS

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
                    "%(conflicts)s conflicts with our rules (imported all the same), "
                    "%(refused)s refused%(dry)s"
                )
                % {
                    "url": source.url,
                    "created": len(sessions["created"]),
                    "updated": len(sessions["updated"]),
                    "cancelled": len(sessions["cancelled"]),
                    "conflicts": len(report["conflicts"]),
                    "refused": len(report["refused"]),
                    "dry": _(" (dry run, nothing kept)") if dry_run else "",
                },
                messages.WARNING if report["conflicts"] or report["refused"] else messages.SUCCESS,
            )
            for entry in report["conflicts"]:
                self.message_user(
                    request,
                    _("Conflict: %(title)s: %(message)s") % entry,
                    messages.WARNING,
                )
            for entry in report["refused"]:
                self.message_user(
                    request,
                    _("Not imported: %(title)s: %(message)s") % entry,
                    messages.ERROR,
                )

    @admin.action(description=_("Import the programme now"))
    def import_now(self, request, queryset):
        self._run(request, queryset, dry_run=False)

    @admin.action(description=_("Show what an import would change"))
    def dry_run(self, request, queryset):
        self._run(request, queryset, dry_run=True)


def _entries(entries):
    if not entries:
        return "–"
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "", "<li>{} ({}): {}</li>", ((e["title"], e["guid"], e["message"]) for e in entries)
        ),
    )


@admin.register(ScheduleImport)
class ScheduleImportAdmin(admin.ModelAdmin):
    """Every real import, newest first: its counts, and per session the conflicts it kept and
    the talks it refused."""

    list_display = ["created_at", "event", "version", "source", "created_by", "conflict_count"]
    list_filter = ["event"]
    fields = [
        "event",
        "created_at",
        "created_by",
        "source",
        "version",
        "summary",
        "conflict_list",
        "refused_list",
        "warnings",
    ]
    readonly_fields = fields

    @admin.display(description=_("conflicts"))
    def conflict_count(self, schedule_import):
        return len(schedule_import.conflicts)

    @admin.display(description=_("conflicts with our rules (imported all the same)"))
    def conflict_list(self, schedule_import):
        return _entries(schedule_import.conflicts)

    @admin.display(description=_("refused (not imported)"))
    def refused_list(self, schedule_import):
        return _entries(schedule_import.refused)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
    formfield_overrides = HTTPS_URLS


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["delivery_id", "webhook", "name", "status", "attempts", "created_at"]
    list_filter = ["status", "name"]
    readonly_fields = ["webhook", "name", "body", "status", "attempts", "finished_at"]
