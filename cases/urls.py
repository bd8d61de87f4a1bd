"""The worker's screens: the queue (werkvoorraad) and the case page with its actions."""
from django.urls import path

from . import views, views_reference

urlpatterns = [
    path("werkvoorraad", views.queue, name="queue"),
    path("meldingen/<int:pk>", views.case_detail, name="case_detail"),
    path("meldingen/kenmerk", views_reference.case_by_reference, name="case_by_reference"),
    path("meldingen/<int:pk>/contactpoging", views.case_attempt_create, name="case_attempt_create"),
    path("meldingen/<int:pk>/contactpogingen/<int:attempt_pk>/reactie", views.case_attempt_reply,
         name="case_attempt_reply"),
    path("meldingen/<int:pk>/sluiten", views.case_close, name="case_close"),
    path("meldingen/<int:pk>/heropenen", views.case_reopen, name="case_reopen"),
    path("meldingen/<int:pk>/vervolgcontacten/<int:follow_up_pk>", views.case_follow_up, name="case_follow_up"),
    path("meldingen/<int:pk>/contactgegevens", views.case_contact_correct, name="case_contact_correct"),
]
