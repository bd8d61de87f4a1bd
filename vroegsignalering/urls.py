from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("api/v1/gemeente/", include("cases.api.urls")),
    path("api/v1/gemeente/", include("contacts.api_urls")),
    path("api/v1/gemeente/", include("kcc.api_urls")),  # kcc (issue 13): the call list for a call centre
    path("api/v1/", include("monitor.urls")),
    path("api/v1/", include("signals.api.urls")),
    path("api/v1/", include("feedback.urls")),
    # Sign-in (issue 11): /inloggen with the second factor, /beheer/login/ sends there, re-authentication,
    # password change, the two-factor set-up (before the admin, whose login/ it replaces).
    path("", include("accounts.auth_urls")),
    path("beheer/", admin.site.urls),
    path("team/", include("cases.team_urls")),
    path("", include("kcc.urls")),  # kcc (issue 13): /kcc/ and the team lead's /team/bellijst
    path("monitor/ddas/", include("monitor.ddas_urls")),  # the DDAS v1.2 download (issue 12)
    path("monitor/", include("monitor.screen_urls")),  # the Divosa figures (issue 12)
    path("", include("cases.urls")),
    path("", include("outreach.urls")),  # outreach engine (issue 13): plans, the case's plan, my tasks
    path("", views.home, name="home"),
    path("", include("signals.urls")),
    path("", include("audit.urls")),
    path("privacy/", include("privacy.urls")),  # the auditor's screen /audit (issue 11)
    path("", include("outreach.callback_urls")),  # outreach (gateway): Notify's delivery callback
]

handler400 = "vroegsignalering.common.problems.handler400"
handler404 = "vroegsignalering.common.problems.handler404"
handler500 = "vroegsignalering.common.problems.handler500"
