"""The monitor's screen and its exports, mounted at /monitor/ by ``vroegsignalering/urls.py``."""
from django.urls import path

from . import views

app_name = "monitor"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cijfers.csv", views.export_csv, name="export_csv"),
    path("cijfers.xlsx", views.export_excel, name="export_excel"),
]
