"""The privacy screens of the functional administrator, mounted under /privacy/."""
from django.urls import path  # noqa: F401 (patterns follow)

app_name = "privacy"

urlpatterns: list = []
