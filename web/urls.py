from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import LoginView

from .views import (
    accessibility,
    announcements,
    control_room,
    expo,
    meetings,
    messages,
    networking,
    programme,
    stage,
)

app_name = "web"
urlpatterns = [
    path("", programme.home, name="home"),
    # accounts/ serves /login/ (it is included first); this name keeps `web:login` pointing there.
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accessibility/", accessibility.statement, name="accessibility-site"),
    path("accessibility/feedback/", accessibility.feedback, name="accessibility-feedback-site"),
    path("easy-language/", accessibility.easy_language, name="easy-language-site"),
    path("events/<slug:slug>/accessibility/", accessibility.statement, name="accessibility"),
    path(
        "events/<slug:slug>/accessibility/edit/",
        accessibility.statement_edit,
        name="accessibility-edit",
    ),
    path(
        "events/<slug:slug>/accessibility/feedback/",
        accessibility.feedback,
        name="accessibility-feedback",
    ),
    path("events/<slug:slug>/easy-language/", accessibility.easy_language, name="easy-language"),
    path("events/<slug:slug>/", programme.programme, name="programme"),
    path("events/<slug:slug>/sessions/<int:pk>/", programme.session_detail, name="session"),
    path("events/<slug:slug>/sessions/<int:pk>/favourite/", programme.favourite, name="favourite"),
    path("events/<slug:slug>/agenda/", programme.agenda, name="agenda"),
    path("events/<slug:slug>/sessions/<int:pk>/video/", stage.session_video, name="session-video"),
    path("events/<slug:slug>/expo/<int:pk>/video/", stage.booth_video, name="booth-video"),
    path("events/<slug:slug>/meetings/<int:pk>/video/", stage.meeting_video, name="meeting-video"),
    path("events/<slug:slug>/regie/", control_room.control_room, name="control-room"),
    path("events/<slug:slug>/regie/announce/", announcements.announce, name="control-announce"),
    path(
        "events/<slug:slug>/regie/announcements/<int:pk>/resend/",
        announcements.resend,
        name="control-announce-resend",
    ),
    path(
        "events/<slug:slug>/regie/sessions/<int:pk>/state/",
        control_room.session_state,
        name="control-session-state",
    ),
    path(
        "events/<slug:slug>/regie/sessions/<int:pk>/move/",
        control_room.session_move,
        name="control-session-move",
    ),
    path(
        "events/<slug:slug>/regie/rooms/<int:pk>/stream/",
        control_room.room_stream,
        name="control-room-stream",
    ),
    path(
        "events/<slug:slug>/regie/bans/<int:user_id>/lift/",
        control_room.unban,
        name="control-unban",
    ),
    path(
        "events/<slug:slug>/regie/mutes/<int:pk>/lift/", control_room.unmute, name="control-unmute"
    ),
    path(
        "events/<slug:slug>/regie/questions/<int:pk>/show/",
        control_room.show_question,
        name="control-show-question",
    ),
    path(
        "events/<slug:slug>/regie/reports/<int:pk>/resolve/",
        control_room.resolve,
        name="control-resolve-report",
    ),
    path(
        "events/<slug:slug>/regie/booths/<int:pk>/review/",
        control_room.review_booth,
        name="control-review-booth",
    ),
    path("events/<slug:slug>/expo/", expo.expo, name="expo"),
    path("events/<slug:slug>/expo/<int:pk>/", expo.booth, name="booth"),
    path("events/<slug:slug>/expo/<int:pk>/lead/", expo.booth_lead, name="booth-lead"),
    path("events/<slug:slug>/expo/<int:pk>/edit/", expo.booth_edit, name="booth-edit"),
    path("events/<slug:slug>/expo/<int:pk>/leads/", expo.booth_leads, name="booth-leads"),
    path("events/<slug:slug>/networking/", networking.networking, name="networking"),
    path("events/<slug:slug>/networking/<int:user_id>/", networking.person, name="person"),
    path(
        "events/<slug:slug>/networking/<int:user_id>/message/",
        messages.start_conversation,
        name="start-conversation",
    ),
    path("events/<slug:slug>/networking/<int:user_id>/block/", networking.block, name="block"),
    path(
        "events/<slug:slug>/networking/<int:user_id>/unblock/", networking.unblock, name="unblock"
    ),
    path("events/<slug:slug>/networking/<int:user_id>/report/", networking.report, name="report"),
    path("events/<slug:slug>/meetings/", meetings.meetings, name="meetings"),
    path(
        "events/<slug:slug>/meetings/<int:pk>/<slug:action>/",
        meetings.meeting_action,
        name="meeting-action",
    ),
    path("events/<slug:slug>/messages/", messages.messages_list, name="messages"),
    path("events/<slug:slug>/messages/<int:pk>/", messages.conversation, name="conversation"),
]
