"""The DDAS download, mounted at /monitor/ddas/ by ``vroegsignalering/urls.py``."""
from django.urls import path

from .ddas_views import ddas_export_view

app_name = "ddas"

urlpatterns = [
    path("", ddas_export_view, name="export"),
]
