from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """The AVG whitelist and feedback to creditors: the outbox, the feed and the webhooks."""

    name = "feedback"
    verbose_name = "Terugkoppeling"
