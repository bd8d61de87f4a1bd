from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "signals"
    verbose_name = "Signalen"

    def ready(self):
        from accounts.permissions import can_import_signals, reviews_fallout
        from vroegsignalering.common.navigation import navigation_flag_register

        navigation_flag_register("can_import_signals", can_import_signals)
        navigation_flag_register("can_review_fallout", reviews_fallout)
