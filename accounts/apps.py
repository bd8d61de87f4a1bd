from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Gebruikers en gemeenten"

    def ready(self):
        from vroegsignalering.common.navigation import navigation_flag_register

        from .permissions import uses_admin

        navigation_flag_register("uses_admin", uses_admin)  # the menu's "Beheer": also the installation admin
