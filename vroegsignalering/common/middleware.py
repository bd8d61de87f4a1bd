from django.conf import settings


class ApiVersionMiddleware:
    """Every API response carries the full version in ``API-Version`` (API Design Rules)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.API_VERSION
        return response


class NoStoreMiddleware:
    """Every dynamic answer (pages, API JSON, CSV and print exports) carries ``Cache-Control: no-store``:
    nearly all of them hold personal data, which no browser or proxy cache may keep. A view that sets its
    own ``Cache-Control`` keeps it (an explicit opt-out). Static files never reach this middleware: WhiteNoise
    answers them before it, with their own caching headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
            response.setdefault("Pragma", "no-cache")
        return response
