"""The auditor's screen (mounted at the site's root by ``vroegsignalering/urls.py``)."""
from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("audit", views.events, name="events"),
    path("audit/export.csv", views.events_export, name="export"),
]
