from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class CreditorKeyRateThrottle(SimpleRateThrottle):
    """Requests per creditor per period (setting ``API_RATE_LIMIT``); 429 with Retry-After beyond."""

    scope = "creditor_key"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        principal = getattr(request, "user", None)
        if principal is None or not getattr(principal, "is_authenticated", False):
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": f"creditor-{principal.pk}"}
