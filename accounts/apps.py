from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Gebruikers en gemeenten"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from vroegsignalering.common.navigation import navigation_flag_register

        from . import admin_auth  # noqa: F401  (the sign-in objects in /beheer/, issue 11)
        from .permissions import uses_admin
        from .session import on_user_logged_in

        navigation_flag_register("uses_admin", uses_admin)  # the menu's "Beheer": also the installation admin
        user_logged_in.connect(on_user_logged_in, dispatch_uid="accounts.session.signed_in")
