"""The call centre's screen (/kcc/) and the team lead's call list (/team/bellijst…); mounted at the root by
``vroegsignalering/urls.py``."""
from django.urls import path

from . import call_list_views, views

app_name = "kcc"
urlpatterns = [
    path("kcc/", views.search, name="search"),
    path("kcc/belde", views.inbound_call, name="inbound_call"),
    path("team/bellijst", call_list_views.call_list_screen, name="call_list"),
    path("team/bellijst/export.csv", call_list_views.call_list_export_csv, name="call_list_export_csv"),
    path("team/bellijst/export.xlsx", call_list_views.call_list_export_excel, name="call_list_export_excel"),
    path("team/bellijst/resultaten", call_list_views.results_import, name="results_import"),
]
