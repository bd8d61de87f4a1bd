from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """The AVG whitelist and feedback to creditors. Built in a later issue."""

    name = "feedback"
    verbose_name = "Terugkoppeling"
