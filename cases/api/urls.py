"""The municipal API (/api/v1/gemeente/…): cases for other municipal systems, with the same roles
and scoping as the web screens."""
from django.urls import path  # noqa: F401

urlpatterns: list = []
