"""Limits per client IP on the sign-in pages and on unauthenticated API requests (see ``ratelimit``)."""
from django.conf import settings
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from .problems import DETAILS, problem_response
from .ratelimit import Usage, client_ip, hit

LOGIN_TOO_MANY = "Te veel inlogpogingen vanaf dit adres. Probeer het over {seconds} seconden opnieuw."


class RateLimitMiddleware:
    """Limits per client IP on the sign-in pages and on unauthenticated API requests (module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._login_paths: tuple[str, ...] | None = None

    def login_paths(self) -> tuple[str, ...]:
        if self._login_paths is None:
            paths = list(settings.LOGIN_RATE_LIMIT_PATHS)
            try:
                paths.append(reverse("login"))
            except NoReverseMatch:
                pass
            self._login_paths = tuple(dict.fromkeys(paths))
        return self._login_paths

    def __call__(self, request):
        path = request.path
        if request.method == "POST" and path.startswith(self.login_paths()):
            usage = hit("login-ip", client_ip(request), settings.LOGIN_RATE_LIMIT)
            if usage.exceeded:
                return too_many(request, usage)
            return self.get_response(request)
        if not path.startswith("/api/"):
            return self.get_response(request)
        ip, rate = client_ip(request), settings.UNAUTHENTICATED_RATE_LIMIT
        if not (request.headers.get("X-Api-Key", "").strip() or request.headers.get("Authorization", "").strip()):
            usage = hit("unauthenticated-ip", ip, rate)  # no credentials at all: count before running
            if usage.exceeded:
                return too_many(request, usage)
            return self.get_response(request)
        usage = hit("unauthenticated-ip", ip, rate, increment=False)
        if usage.count >= usage.limit:  # this IP's refused keys have used up the window
            return too_many(request, usage)
        response = self.get_response(request)
        if response.status_code == 401:  # a refused key or token counts against the IP
            hit("unauthenticated-ip", ip, rate)
        return response


def too_many(request, usage: Usage):
    if request.path.startswith("/api/"):
        response = problem_response(request, 429, DETAILS["throttled"])
    else:
        response = render(request, "429.html", {"message": LOGIN_TOO_MANY.format(seconds=usage.retry_after)},
                          status=429)
    response["Retry-After"] = str(usage.retry_after)
    return response
