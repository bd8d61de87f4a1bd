"""The privacy screens of the functional administrator, mounted under /privacy/."""
from django.urls import path

from . import views

app_name = "privacy"

urlpatterns: list = [
    path("opschoning", views.purge_reports, name="purge_reports"),
]
