from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS

from . import services

from .models import Event, Favourite, Registration, Room, Session, Speaker, Track


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "start_date", "end_date", "is_published"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoomInline, TrackInline]


class SessionAdminForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = "__all__"

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
                raise forms.ValidationError({error.field or NON_FIELD_ERRORS: error.message}) from None
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


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "role", "created_at"]
    list_filter = ["event", "role"]
    search_fields = ["user__username", "user__email"]
    exclude = ["agenda_token"]


admin.site.register(Room)
admin.site.register(Track)
admin.site.register(Favourite)
