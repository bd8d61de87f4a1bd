"""The sign-in routes (issue 11): included at the root of vroegsignalering/urls.py, before the admin."""
from django.contrib.auth import views as django_auth_views
from django.urls import include, path

from . import auth_views, oidc

urlpatterns = [
    path("inloggen", auth_views.SignInView.as_view(), name="login"),
    path("uitloggen", django_auth_views.LogoutView.as_view(), name="logout"),
    # The admin's own login would bypass the second factor and the lockout: it sends to /inloggen.
    path("beheer/login/", auth_views.admin_login, name="admin_login"),
    path("opnieuw-inloggen", auth_views.reauth, name="reauth"),
    path("inloggen/code", auth_views.verify_code, name="verify_code"),
    # Single sign-on with the municipality's identity provider (404 unless OIDC_RP_CLIENT_ID is set).
    path("inloggen/sso", oidc.SsoStartView.as_view(), name="sso_start"),
    path("inloggen/sso/terug", oidc.SsoCallbackView.as_view(), name="sso_callback"),
    path("wachtwoord-wijzigen", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("wachtwoord-gewijzigd", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("accounts.two_factor_urls")),
]
