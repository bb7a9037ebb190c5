from django.contrib import admin

from .models import RoomStage, StageSettings


@admin.register(StageSettings)
class StageSettingsAdmin(admin.ModelAdmin):
    list_display = ["event", "embed_providers", "record_video_rooms"]


@admin.register(RoomStage)
class RoomStageAdmin(admin.ModelAdmin):
    list_display = ["room", "stream_type", "poster_url"]
