"""Session lifetime (issue 11 D15, ASVS 3.3): signed out after ``SESSION_IDLE_TIMEOUT`` without a request and
``SESSION_ABSOLUTE_LIFETIME`` after signing in, whatever happens in between.

The moments live in the session (seconds since the epoch): when the user signed in, when they were last
seen, and when they last proved who they are (password and code: the sign-in or ``/opnieuw-inloggen``,
read by ``accounts.middleware.ReauthMiddleware``). An htmx request after the timeout gets ``HX-Redirect``
to the login page, so the browser loads that page instead of swapping it into a fragment.
"""
from __future__ import annotations

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

SIGNED_IN_AT = "vs_signed_in_at"
LAST_SEEN_AT = "vs_last_seen_at"
AUTHENTICATED_AT = "vs_authenticated_at"
# Signed in through the identity provider (OIDC), and whether it asserted a second factor.
SIGNED_IN_BY_SSO = "vs_sso"
IDP_MFA = "vs_idp_mfa"
# The last-seen moment is written at most this often (seconds): not a session write on every request.
LAST_SEEN_RESOLUTION = 30


def mark_signed_in(session, now: float | None = None) -> None:
    """A fresh sign-in: every clock starts now (connected to ``user_logged_in`` in AccountsConfig.ready)."""
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = session[AUTHENTICATED_AT] = now


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        mark_signed_in(request.session)


def mark_signed_in_by_sso(session, *, mfa: bool) -> None:
    """The identity provider signed the user in (again): the re-authentication clock restarts, and its
    assertion of a second factor counts for this session (accounts/oidc.py)."""
    session[SIGNED_IN_BY_SSO] = True
    session[IDP_MFA] = mfa
    mark_authenticated(session)


def second_factor_done(request) -> bool:
    """This session is verified with the user's own device, or the identity provider asserted MFA."""
    return request.user.is_verified() or bool(request.session.get(IDP_MFA))


def mark_authenticated(session, now: float | None = None) -> None:
    """The user proved who they are again (password and code): the re-authentication clock restarts."""
    session[AUTHENTICATED_AT] = time.time() if now is None else now


def expiry_reason(session, now: float) -> str | None:
    """Why this signed-in session has ended, in Dutch for the login page; None while it is alive."""
    signed_in, last_seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN_AT)
    if signed_in is None or last_seen is None:
        return "U bent afgemeld. Log opnieuw in."
    if now - signed_in > settings.SESSION_ABSOLUTE_LIFETIME.total_seconds():
        hours = settings.SESSION_ABSOLUTE_LIFETIME.total_seconds() / 3600
        return f"U was langer dan {hours:g} uur ingelogd en bent daarom afgemeld. Log opnieuw in."
    if now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds():
        minutes = settings.SESSION_IDLE_TIMEOUT.total_seconds() / 60
        return f"U was {minutes:g} minuten niet actief en bent daarom afgemeld. Log opnieuw in."
    return None


def is_htmx(request) -> bool:
    """An htmx request (read from the header: django-htmx's middleware runs after these)."""
    return request.headers.get("HX-Request") == "true"


def login_redirect(request, next_url: str | None = None):
    """To the login page (and back to ``next_url`` afterwards); for htmx a full-page redirect."""
    url = resolve_url(settings.LOGIN_URL)
    if next_url:
        url = f"{url}?{urlencode({'next': next_url})}"
    if is_htmx(request):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def page_to_return_to(request) -> str | None:
    """Where to continue after signing in again: this page (GET), the page the htmx request came from, or
    nothing (a form post is not replayed)."""
    if is_htmx(request):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        return (current.path + (f"?{current.query}" if current.query else "")) or None
    return request.get_full_path() if request.method == "GET" else None


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            now = time.time()
            reason = expiry_reason(request.session, now)
            if reason:
                next_url = page_to_return_to(request)
                logout(request)
                messages.info(request, reason)
                return login_redirect(request, next_url)
            if now - request.session[LAST_SEEN_AT] >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN_AT] = now
        response = self.get_response(request)
        return _htmx_login_redirect(request, response)


def _htmx_login_redirect(request, response):
    """An htmx request that a view sent to the login page (signed out meanwhile): load the login page as a
    whole page rather than swapping it into a fragment."""
    if not is_htmx(request) or response.status_code not in (301, 302, 303):
        return response
    location = response.get("Location", "")
    if urlsplit(location).path == resolve_url(settings.LOGIN_URL):
        return HttpResponseClientRedirect(location)
    return response
