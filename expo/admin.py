from django.contrib import admin

from .models import (
    BoothVisit,
    Category,
    ContactPerson,
    Download,
    Exhibitor,
    ExhibitorStaff,
    ExpoSettings,
    Lead,
    Product,
)


class StaffInline(admin.TabularInline):
    model = ExhibitorStaff
    extra = 0
    raw_id_fields = ["user"]


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0


class DownloadInline(admin.TabularInline):
    model = Download
    extra = 0


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


@admin.register(Exhibitor)
class ExhibitorAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "tier", "status"]
    list_filter = ["event", "tier", "status", "categories"]
    search_fields = ["name", "tagline"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StaffInline, ProductInline, DownloadInline, ContactPersonInline]


@admin.register(ExpoSettings)
class ExpoSettingsAdmin(admin.ModelAdmin):
    list_display = ["event", "edits_need_review"]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    # Read-only: a lead is the attendee's consent, changed only by the attendee withdrawing it.
    list_display = ["exhibitor", "user", "consented_at"]
    list_filter = ["exhibitor__event"]
    raw_id_fields = ["user", "exhibitor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BoothVisit)
class BoothVisitAdmin(admin.ModelAdmin):
    list_display = ["exhibitor", "day"]
    list_filter = ["exhibitor__event", "day"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(Category)
