"""Production guard rails (issue 11): in production (``ENVIRONMENT=production``, the default) the app refuses
to start with unsafe settings (DEBUG, a weak SECRET_KEY, no ALLOWED_HOSTS, no own AUDIT_HASH_KEY, two-factor
sign-in off). Called from ``CommonConfig.ready()``, so every process refuses: gunicorn's
workers, Celery, and every ``manage.py`` command."""
from django.core.exceptions import ImproperlyConfigured

MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5
MIN_AUDIT_HASH_KEY_LENGTH = 32


def unsafe_settings(settings) -> list[str]:
    """What is unsafe for production in ``settings``, one Dutch sentence each (empty: all is well)."""
    if not getattr(settings, "PRODUCTION", True):
        return []
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG staat aan (DEBUG=true); zet DEBUG=false.")
    key = str(settings.SECRET_KEY or "")
    if (
        "insecure" in key.lower()
        or len(key) < MIN_SECRET_KEY_LENGTH
        or len(set(key)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS
    ):
        problems.append(
            f"SECRET_KEY is de standaardsleutel of te zwak; zet een willekeurige waarde van minstens "
            f"{MIN_SECRET_KEY_LENGTH} tekens zonder 'insecure'."
        )
    hosts = list(settings.ALLOWED_HOSTS or [])
    if not hosts or "*" in hosts:
        problems.append("ALLOWED_HOSTS is leeg of bevat '*'; noem de hostnamen van de site.")
    audit_key = str(getattr(settings, "AUDIT_HASH_KEY", "") or "")
    if len(audit_key) < MIN_AUDIT_HASH_KEY_LENGTH or audit_key == key:
        problems.append(
            f"AUDIT_HASH_KEY ontbreekt, is korter dan {MIN_AUDIT_HASH_KEY_LENGTH} tekens of gelijk aan SECRET_KEY; zet "
            "een eigen willekeurige sleutel en bewaar die (zonder dezelfde sleutel zijn oudere gebeurtenissen in de "
            "audittrail niet meer per persoon te vinden)."
        )
    if getattr(settings, "TWO_FACTOR_REQUIRED", True) is False:
        problems.append("TWO_FACTOR_REQUIRED staat uit; tweestapsverificatie is verplicht in productie.")
    return problems


def refuse_unsafe_production(settings) -> None:
    problems = unsafe_settings(settings)
    if problems:
        raise ImproperlyConfigured(
            "Vroegsignalering start niet: onveilige instellingen voor productie (ENVIRONMENT=production, de "
            "standaard; ENVIRONMENT=development alleen voor een lokale proef of de tests).\n- "
            + "\n- ".join(problems)
        )
