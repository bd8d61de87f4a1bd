from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Cases (meldingen): matching, routing (afwegingskader), the 28-day state machine."""

    name = "cases"
    verbose_name = "Meldingen"
