from django.contrib import admin

from .models import Block, Profile, Tag


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
