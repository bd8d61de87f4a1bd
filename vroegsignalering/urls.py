from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/v1/gemeente/", include("cases.api.urls")),
    path("api/v1/", include("monitor.urls")),
    path("api/v1/", include("signals.api.urls")),
    path("beheer/", admin.site.urls),
    path("team/", include("cases.team_urls")),
    path("", include("cases.urls")),
    path("", include("signals.urls")),
]

handler400 = "vroegsignalering.common.problems.handler400"
handler404 = "vroegsignalering.common.problems.handler404"
handler500 = "vroegsignalering.common.problems.handler500"
