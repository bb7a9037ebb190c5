from django.contrib import admin

from .models import Category, Exhibitor, ExhibitorStaff


class StaffInline(admin.TabularInline):
    model = ExhibitorStaff
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Exhibitor)
class ExhibitorAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "tier", "status"]
    list_filter = ["event", "tier", "status", "categories"]
    search_fields = ["name", "tagline"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StaffInline]


admin.site.register(Category)
