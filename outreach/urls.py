"""Outreach's screens: the case page's fragment and stop form, "Mijn taken", the plan editor, and (``letter_urls``)
the texts and print batches."""
from django.urls import include, path

from . import letter_urls, settings_views, views, views_plans

app_name = "outreach"
urlpatterns = [
    path("meldingen/<int:pk>/benadering", views.case_outreach, name="case_outreach"),
    path("meldingen/<int:pk>/benadering/stoppen", views.case_outreach_stop, name="case_outreach_stop"),
    path("taken", views.my_tasks, name="my_tasks"),
    path("benaderingsplannen", views_plans.plan_list, name="plan_list"),
    path("benaderingsplannen/nieuw", views_plans.plan_create, name="plan_create"),
    path("benaderingsplannen/<int:pk>", views_plans.plan_edit, name="plan_edit"),
    path("benadering/instellingen", settings_views.outreach_settings, name="settings"),
    path("benadering/", include(letter_urls.urlpatterns)),  # the texts and print batches
]
