from vroegsignalering.common.ratelimit import AtomicRateThrottle


class CreditorKeyRateThrottle(AtomicRateThrottle):
    """Requests per creditor (all its keys together) per period (setting ``API_RATE_LIMIT``); 429 with
    Retry-After beyond. An atomic counter (``vroegsignalering.common.ratelimit``), exact under concurrency."""

    scope = "creditor_key"

    def ident(self, request) -> str:
        return f"creditor-{request.user.pk}"
