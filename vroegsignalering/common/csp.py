"""The request's Content-Security-Policy nonce in templates (issue 11), under the name django-htmx's
``{% htmx_script %}`` reads (``csp_nonce``, Django 6's name) and django-csp's (``CSP_NONCE``). Lazy: the
nonce enters the policy header only when a template uses it."""


def nonce(request) -> dict:
    value = getattr(request, "csp_nonce", "")
    return {"csp_nonce": value, "CSP_NONCE": value}
