"""The worker's screens: the queue (werkvoorraad) and the case page with its actions."""
from django.urls import path  # noqa: F401

urlpatterns: list = []
