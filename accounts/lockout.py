"""Login lockout (django-axes, issue 11 D9): the client address that axes counts failures for."""
from __future__ import annotations

from django.conf import settings
from django.shortcuts import render


def client_ip(request) -> str | None:
    """The caller's address: REMOTE_ADDR, or behind our TLS proxy (``BEHIND_TLS_PROXY``) the address that
    proxy appended last to ``X-Forwarded-For`` (earlier entries are the client's own claim and not trusted)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """The Dutch lockout page (429), also for htmx: ``AXES_LOCKOUT_CALLABLE``."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)
