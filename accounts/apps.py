from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Gebruikers en gemeenten"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import admin_auth  # noqa: F401  (the sign-in objects in /beheer/, issue 11)
        from .session import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="accounts.session.signed_in")
