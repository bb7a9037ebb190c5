from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("events/<slug:slug>/", views.programme, name="programme"),
    path("events/<slug:slug>/sessions/<int:pk>/", views.session_detail, name="session"),
    path("events/<slug:slug>/sessions/<int:pk>/favourite/", views.favourite, name="favourite"),
    path("events/<slug:slug>/agenda/", views.agenda, name="agenda"),
    path("events/<slug:slug>/expo/", views.expo, name="expo"),
    path("events/<slug:slug>/expo/<int:pk>/", views.booth, name="booth"),
    path("events/<slug:slug>/expo/<int:pk>/lead/", views.booth_lead, name="booth-lead"),
    path("events/<slug:slug>/expo/<int:pk>/edit/", views.booth_edit, name="booth-edit"),
    path("events/<slug:slug>/expo/<int:pk>/leads/", views.booth_leads, name="booth-leads"),
    path("events/<slug:slug>/networking/", views.networking, name="networking"),
    path("events/<slug:slug>/networking/<int:user_id>/", views.person, name="person"),
    path(
        "events/<slug:slug>/networking/<int:user_id>/message/",
        views.start_conversation,
        name="start-conversation",
    ),
    path("events/<slug:slug>/networking/<int:user_id>/block/", views.block, name="block"),
    path("events/<slug:slug>/networking/<int:user_id>/unblock/", views.unblock, name="unblock"),
    path("events/<slug:slug>/networking/<int:user_id>/report/", views.report, name="report"),
    path("events/<slug:slug>/meetings/", views.meetings, name="meetings"),
    path(
        "events/<slug:slug>/meetings/<int:pk>/<slug:action>/",
        views.meeting_action,
        name="meeting-action",
    ),
    path("events/<slug:slug>/messages/", views.messages_list, name="messages"),
    path("events/<slug:slug>/messages/<int:pk>/", views.conversation, name="conversation"),
]
