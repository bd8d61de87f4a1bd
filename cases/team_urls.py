"""The team lead's screens (under /team/): assigning, capacity, the home-visit planner, the dashboard."""
from django.urls import path  # noqa: F401

app_name = "team"
urlpatterns: list = []
