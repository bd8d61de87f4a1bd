from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """The resident's data over its whole life (AVG): the daily purge when the term ends, and the
    resident's rights (the inzage report). Sits above every app whose personal data it destroys or
    reports, and above the monitor, whose facts must be written before anything is destroyed."""

    name = "privacy"
    verbose_name = "Privacy (bewaartermijnen en rechten van de inwoner)"

    def ready(self) -> None:
        from accounts.permissions import is_functional_admin
        from vroegsignalering.common.navigation import navigation_flag_register

        navigation_flag_register("can_request_inzage", is_functional_admin)  # the menu's "Inzage inwoner"
