"""The monitor's creditor-API endpoint, mounted under /api/v1/ by ``vroegsignalering/urls.py``."""
from django.urls import path

from .api import InspanningenView

urlpatterns = [
    path("inspanningen", InspanningenView.as_view(), name="api-inspanningen"),
]
