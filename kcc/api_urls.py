"""The call list through the municipal API (/api/v1/gemeente/bellijst), mounted by ``vroegsignalering/urls.py``."""
from django.urls import path

from .api import BellijstView

urlpatterns = [
    path("bellijst", BellijstView.as_view(), name="gemeente-bellijst"),
]
