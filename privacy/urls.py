"""The privacy screens of the functional administrator, mounted under /privacy/."""
from django.urls import path

from . import inzage_views, views

app_name = "privacy"

urlpatterns = [
    # The resident's right of access (AVG art. 15): the search, and the report as JSON and PDF.
    path("inzage", inzage_views.inzage, name="inzage"),
    path("inzage/rapport.json", inzage_views.inzage_download_json, name="inzage_json"),
    path("inzage/rapport.pdf", inzage_views.inzage_download_pdf, name="inzage_pdf"),
    # The purge reports (counts, no personal data).
    path("opschoning", views.purge_reports, name="purge_reports"),
]
