from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("api/v1/gemeente/", include("cases.api.urls")),
    path("api/v1/gemeente/", include("contacts.api_urls")),
    path("api/v1/", include("monitor.urls")),
    path("api/v1/", include("signals.api.urls")),
    path("api/v1/", include("feedback.urls")),
    path("beheer/", admin.site.urls),
    path("team/", include("cases.team_urls")),
    path("", include("cases.urls")),
    path("", views.home, name="home"),
    path("inloggen", auth_views.LoginView.as_view(), name="login"),
    path("uitloggen", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("signals.urls")),
    path("", include("audit.urls")),  # the auditor's screen /audit (issue 11)
]

handler400 = "vroegsignalering.common.problems.handler400"
handler404 = "vroegsignalering.common.problems.handler404"
handler500 = "vroegsignalering.common.problems.handler500"
