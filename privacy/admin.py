"""Admin: the privacy app's records (read only), and the access record of the admin's user pages."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from treffpunkt.privacy import record_access

from .models import AccessRecord, DataExport, Erasure, EventText, RetentionPolicy, RetentionRun

User = get_user_model()


class RecordedUserAdmin(UserAdmin):
    """Opening a person's page in the admin is a read of their personal data: it is recorded."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if str(object_id).isdigit():
            record_access(actor=request.user, what="admin.user", subject_ids=[int(object_id)])
        return super().change_view(request, object_id, form_url, extra_context)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, RecordedUserAdmin)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnly):
    list_display = ["created_at", "actor", "subject", "what", "event"]
    list_filter = ["what"]


@admin.register(Erasure)
class ErasureAdmin(ReadOnly):
    list_display = ["erased_at", "account_id"]


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnly):
    list_display = ["ran_at", "event"]


@admin.register(DataExport)
class DataExportAdmin(ReadOnly):
    list_display = ["created_at", "user", "state", "expires_at"]
    fields = ["user", "state", "created_at", "finished_at", "expires_at"]


admin.site.register(RetentionPolicy)
admin.site.register(EventText)
