"""Sign-in screens (issue 11 D9, D15): the login with a second factor (django-two-factor-auth's wizard with
the project's templates), the admin's login (sends to the same login), re-authentication before admin
changes and exports, and the self-service password change. Texts in Dutch."""
from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user
from django_otp import login as otp_login
from two_factor.views import LoginView as TwoFactorLoginView

from . import oidc
from .permissions import uses_admin
from .session import mark_authenticated


def sign_in_context() -> dict:
    return {"two_factor_required": settings.TWO_FACTOR_REQUIRED, "sso_enabled": oidc.enabled()}


class SignInView(TwoFactorLoginView):
    """``/inloggen``: username and password, then the code from the authenticator app (or a recovery code)."""

    template_name = "registration/login.html"

    def get_context_data(self, form, **kwargs):
        return {**super().get_context_data(form, **kwargs), **sign_in_context(),
                "sso_failed": self.request.GET.get("sso") == "mislukt"}


def admin_login(request):
    """``/beheer/login/``: the admin has no login of its own; the one login (with its second factor and
    lockout) is ``/inloggen``, and then back to where the admin wanted to go."""
    target = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("admin:index")
    if request.user.is_authenticated:
        if not uses_admin(request.user):  # the admin would send back here: no loop, a message
            messages.error(request, "U heeft geen toegang tot het beheer.")
            return HttpResponseRedirect(resolve_url(settings.LOGIN_REDIRECT_URL))
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': target})}")


class ProveItForm(forms.Form):
    """The password (when the user has one and it is asked) and the code from the user's app (when they have a
    device). Wrong passwords count towards the lockout like at the login."""

    password = forms.CharField(label="Wachtwoord", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                                                 "autofocus": True}))
    otp_token = forms.CharField(label="Code uit uw authenticator-app (of een herstelcode)", required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                              "inputmode": "numeric"}))

    def __init__(self, *args, request, ask_password: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.devices = list(devices_for_user(request.user, confirmed=True))
        self.device = None
        if not (ask_password and request.user.has_usable_password()):
            del self.fields["password"]
        if not self.devices:
            del self.fields["otp_token"]
        else:
            self.fields["otp_token"].widget.attrs["autofocus"] = "password" not in self.fields

    @property
    def proves_anything(self) -> bool:
        return bool(self.fields)

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        # Through authenticate(): a wrong password counts towards the lockout like one at the login.
        if authenticate(self.request, username=user.get_username(), password=password) is None:
            raise forms.ValidationError("Het wachtwoord is onjuist.")
        return password

    def clean_otp_token(self):
        token = self.cleaned_data.get("otp_token", "").replace(" ", "")
        if not token:
            raise forms.ValidationError("Vul de code uit uw authenticator-app in.")
        self.device = next((device for device in self.devices if device.verify_token(token)), None)
        if self.device is None:
            raise forms.ValidationError("Deze code is onjuist of verlopen. Vul de nieuwste code uit uw app in.")
        return token


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = resolve_url(settings.LOGIN_REDIRECT_URL)
    return target


def _prove(request, *, ask_password: bool, template: str):
    target = _safe_next(request)
    form = ProveItForm(request.POST or None, request=request, ask_password=ask_password)
    if request.method == "POST" and form.proves_anything and form.is_valid():
        if form.device is not None:
            otp_login(request, form.device)
        mark_authenticated(request.session)
        return HttpResponseRedirect(target)
    sso = None if request.user.has_usable_password() or not oidc.enabled() else (
        f"{reverse('sso_start')}?{urlencode({'next': target, 'opnieuw': '1'})}")
    return render(request, template, {"form": form, "next": target, "sso_url": sso,
                                      "max_age": int(settings.REAUTH_MAX_AGE.total_seconds() // 60)})


@sensitive_post_parameters()
@never_cache
@login_required
def reauth(request):
    """``/opnieuw-inloggen``: prove who you are again (password and code, or at the identity provider for a
    single sign-on account), then continue to ``next``."""
    return _prove(request, ask_password=True, template="registration/reauth.html")


@sensitive_post_parameters()
@never_cache
@login_required
def verify_code(request):
    """``/inloggen/code``: the code from the app for a session signed in without it (single sign-on whose
    provider did not assert a second factor)."""
    return _prove(request, ask_password=False, template="registration/verify_code.html")


class PasswordChangeView(auth_views.PasswordChangeView):
    """``/wachtwoord-wijzigen``: every user changes their own password (the policy of AUTH_PASSWORD_VALIDATORS)."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)  # not a re-authentication: the old password alone proves no code
        messages.success(self.request, "Uw wachtwoord is gewijzigd.")
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"
