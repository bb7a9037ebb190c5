from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models

from . import services
from .models import (
    Ban,
    ChatMessage,
    Event,
    Favourite,
    ModerationLog,
    Mute,
    Poll,
    Question,
    Registration,
    Room,
    Session,
    Speaker,
    Track,
)

# Stream URLs without a scheme are https (Django 6's default; without it, 5.x warns on every form).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    formfield_overrides = HTTPS_URLS


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "start_date", "end_date", "is_published"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoomInline, TrackInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and (form.has_changed() or any(formset.has_changed() for formset in formsets)):
            # Name, dates, time zone or tracks: retag the exports and the kept pages.
            services.note_programme_change(form.instance)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Room:
            for room_form in formset.forms:
                if room_form.instance.pk and room_form.has_changed():
                    services.note_room_change(
                        room_form.instance, stream_changed="stream_url" in room_form.changed_data
                    )


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "position", "stream_url"]
    list_filter = ["event"]
    formfield_overrides = HTTPS_URLS

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            services.note_room_change(obj, stream_changed="stream_url" in form.changed_data)


class SessionAdminForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = [
            "event",
            "title",
            "abstract",
            "kind",
            "language",
            "start",
            "end",
            "room",
            "track",
            "speakers",
            "capacity",
            "state",
            "cancellation_note",
        ]

    def clean(self):
        # The admin is a second door to the programme: the same rules apply as over REST.
        data = super().clean()
        event = data.get("event")
        if event is not None and data.get("start") and data.get("end"):
            try:
                services.check_session(
                    event,
                    session_id=self.instance.pk,
                    start=data["start"],
                    end=data["end"],
                    room=data.get("room"),
                    speakers=list(data.get("speakers") or []),
                    capacity=data.get("capacity"),
                    state=data.get("state") or Session.State.SCHEDULED,
                )
            except services.ProgrammeError as error:
                raise forms.ValidationError(
                    {error.field or NON_FIELD_ERRORS: error.message}
                ) from None
        return data


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionAdminForm
    list_display = ["title", "event", "kind", "start", "end", "room", "state"]
    list_filter = ["event", "kind", "state", "room", "track"]
    search_fields = ["title", "abstract"]
    autocomplete_fields = ["speakers"]
    list_select_related = ["event", "room"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.note_programme_change(form.instance.event, session=form.instance)


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "event"]
    list_filter = ["event"]
    search_fields = ["name", "organisation"]

    # A speaker's name and details are on the programme: retag the exports and the kept pages.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            services.note_programme_change(obj.event)

    def delete_model(self, request, obj):
        event = obj.event
        super().delete_model(request, obj)
        services.note_programme_change(event)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "role", "created_at"]
    list_filter = ["event", "role"]
    search_fields = ["user__username", "user__email"]
    exclude = ["agenda_token"]


admin.site.register(Track)
admin.site.register(Favourite)


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    """The audit log: read-only, newest first."""

    list_display = ["created_at", "event", "actor", "action", "target_user", "session"]
    list_filter = ["event", "action"]
    search_fields = ["actor__username", "target_user__username"]
    list_select_related = ["event", "actor", "target_user", "session"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "reason", "created_by", "created_at"]
    list_filter = ["event"]
    raw_id_fields = ["user", "created_by"]


@admin.register(Mute)
class MuteAdmin(admin.ModelAdmin):
    list_display = ["user", "session", "until", "created_by", "created_at"]
    raw_id_fields = ["user", "created_by", "session"]


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "session", "user", "text", "is_deleted"]
    list_filter = ["is_deleted"]
    search_fields = ["text"]
    raw_id_fields = ["session", "user"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "session", "user", "text", "state", "votes"]
    list_filter = ["state"]
    raw_id_fields = ["session", "user"]


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ["question", "session", "state", "created_at"]
    raw_id_fields = ["session", "created_by"]
