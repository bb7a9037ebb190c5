from django.contrib import admin

from .models import Captioner, Feedback, RoomMedia, Statement


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["event", "conformance", "prepared_on", "updated_at"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "page", "name", "email", "is_resolved"]
    list_filter = ["event", "is_resolved"]
    search_fields = ["message", "name", "email", "page"]
    readonly_fields = ["event", "user", "name", "email", "page", "message", "created_at"]


@admin.register(RoomMedia)
class RoomMediaAdmin(admin.ModelAdmin):
    list_display = ["room", "captions_url", "sign_language_url"]


@admin.register(Captioner)
class CaptionerAdmin(admin.ModelAdmin):
    list_display = ["session", "user"]
    raw_id_fields = ["session", "user"]
