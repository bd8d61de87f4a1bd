from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Cases (meldingen): matching, routing, the 28-day state machine. Built in a later issue."""

    name = "cases"
    verbose_name = "Meldingen"
