"""The creditor API's feedback side (Signaalpartner-API v1), mounted under ``/api/v1/`` by vroegsignalering/urls.py."""
from django.urls import path

from .api import TerugkoppelingenView

urlpatterns = [
    path("terugkoppelingen", TerugkoppelingenView.as_view(), name="api-terugkoppelingen"),
]
