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
]
