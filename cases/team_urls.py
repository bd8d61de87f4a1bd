"""The team lead's screens (under /team/): the overview, assigning, capacity, the home-visit planner, the dashboard."""
from django.urls import path

from . import team_views

app_name = "team"
urlpatterns = [
    path("", team_views.overview, name="overview"),
    path("toewijzen", team_views.assign, name="assign"),
    path("capaciteit", team_views.capacity, name="capacity"),
    path("huisbezoeken", team_views.visits, name="visits"),
    path("huisbezoeken/afdrukken", team_views.visits_print, name="visits_print"),
    path("huisbezoeken/<int:pk>/annuleren", team_views.visit_cancel_view, name="visit_cancel"),
    path("dashboard", team_views.dashboard, name="dashboard"),
]
