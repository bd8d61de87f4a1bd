"""Login lockout (django-axes, issue 11 D9): the client address that axes counts failures for."""
from __future__ import annotations

import ipaddress

from django.conf import settings
from django.shortcuts import render

from vroegsignalering.common import ratelimit


def client_ip(request) -> str | None:
    """The caller's address for the lockout: the same rule as the rate limits (``TRUSTED_PROXY_COUNT``;
    ``vroegsignalering.common.ratelimit.client_ip``), so one proxy setting decides both."""
    address = ratelimit.client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None  # no usable address (axes then locks by username only; its table takes addresses only)
    return address


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """The Dutch lockout page (429), also for htmx: ``AXES_LOCKOUT_CALLABLE``."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)
