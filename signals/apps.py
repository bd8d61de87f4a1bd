from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "signals"
    verbose_name = "Signalen"

    def ready(self):
        from vroegsignalering.common.navigation import navigation_flag_register

        from .csv_selectors import user_can_import
        from .selectors import user_reviews_fallout

        navigation_flag_register("can_import_signals", user_can_import)
        navigation_flag_register("can_review_fallout", user_reviews_fallout)
