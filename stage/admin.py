from django.contrib import admin
from django.db import models

from .models import RoomStage, StageSettings
from .services import push_room_stream


@admin.register(StageSettings)
class StageSettingsAdmin(admin.ModelAdmin):
    list_display = ["event", "embed_providers", "record_video_rooms"]


@admin.register(RoomStage)
class RoomStageAdmin(admin.ModelAdmin):
    list_display = ["room", "stream_type", "poster_url"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        # A new stream type or poster reaches the open players as a changed URL does.
        super().save_model(request, obj, form, change)
        push_room_stream(obj.room)
