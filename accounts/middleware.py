"""Sign-in rules that hold for every screen (issue 11 D15):

- ``TwoFactorRequiredMiddleware``: with ``TWO_FACTOR_REQUIRED`` a signed-in user whose session is not verified
  with a second factor reaches nothing but the set-up of one (or signs in again when they have one).
- ``ReauthMiddleware``: a change in ``/beheer/`` (any non-GET request) and the exports (``REAUTH_URL_NAMES``)
  need a sign-in or ``/opnieuw-inloggen`` within ``REAUTH_MAX_AGE``; then the user continues where they were.

The APIs (``/api/``) authenticate with keys and tokens, not with the session: these rules do not apply there.
"""
from __future__ import annotations

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect
from django_otp import devices_for_user

from .session import AUTHENTICATED_AT, is_htmx, page_to_return_to, second_factor_done

# What a signed-in user without a verified second factor may still reach.
SETUP_URL_NAMES = frozenset({"login", "logout", "verify_code", "sso_start", "sso_callback", "two_factor:setup",
                             "two_factor:qr", "two_factor:setup_complete"})
# The set-up of a device: only for a user who has none (a second device would verify the session without the
# first one: the package refuses a set-up GET for a user with a device, not the POST).
SETUP_ONLY_URL_NAMES = frozenset({"two_factor:setup", "two_factor:qr"})
# Never asks for re-authentication (signing out of the admin).
REAUTH_EXEMPT = frozenset({"admin:logout", "reauth", "verify_code", "sso_start", "sso_callback"})


def _view_name(request) -> str | None:
    """The URL name of the request's path, resolved once per request (both middlewares ask; Django's own
    ``resolver_match`` is only set after the middleware)."""
    if not hasattr(request, "_signin_view_name"):
        try:
            request._signin_view_name = resolve(request.path_info).view_name
        except Resolver404:
            request._signin_view_name = None
    return request._signin_view_name


def _redirect(request, url: str):
    if is_htmx(request):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith("/api/"):
            return self.get_response(request)
        name = _view_name(request)
        if name in SETUP_ONLY_URL_NAMES and any(devices_for_user(user, confirmed=True)):
            if second_factor_done(request):
                return _redirect(request, reverse("two_factor:profile"))
            return _redirect(request, f"{reverse('verify_code')}?{urlencode({'next': '/'})}")
        if settings.TWO_FACTOR_REQUIRED and not second_factor_done(request) and name not in SETUP_URL_NAMES:
            if any(devices_for_user(user, confirmed=True)):
                # Signed in without the code (single sign-on without MFA, or a session from before the second
                # factor): the code first.
                url = f"{reverse('verify_code')}?{urlencode({'next': page_to_return_to(request) or '/'})}"
                return _redirect(request, url)
            messages.info(request, "Stel eerst tweestapsverificatie in. Daarna kunt u verder.")
            return _redirect(request, reverse("two_factor:setup"))
        return self.get_response(request)


def needs_reauth(request) -> bool:
    """A change in the admin or an export, by a signed-in user whose last proof of identity is too old."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith("/api/"):
        return False
    name = _view_name(request)
    if name in REAUTH_EXEMPT:
        return False
    guarded = (request.path.startswith("/beheer/") and request.method not in ("GET", "HEAD", "OPTIONS")) or (
        name in set(settings.REAUTH_URL_NAMES))
    if not guarded:
        return False
    proved_at = request.session.get(AUTHENTICATED_AT) or 0
    return time.time() - proved_at > settings.REAUTH_MAX_AGE.total_seconds()


def _return_to(request) -> str:
    """Where to go after re-authenticating: this page (GET) or back to the form a post came from."""
    if request.method == "GET" and not is_htmx(request):
        return request.get_full_path()
    candidate = page_to_return_to(request) or request.META.get("HTTP_REFERER", "")
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        parts = urlsplit(candidate)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class ReauthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_reauth(request):
            if request.method != "GET":
                messages.info(request, "Uw wijziging is nog niet opgeslagen. Bevestig eerst dat u het bent; "
                                       "verstuur het formulier daarna opnieuw.")
            url = f"{reverse('reauth')}?{urlencode({'next': _return_to(request)})}"
            return _redirect(request, url)
        return self.get_response(request)
