"""Production guard rails (issue 11 item 8): in production mode (ENVIRONMENT=production, the default) the app
refuses to start with DEBUG on, a default or weak SECRET_KEY, no ALLOWED_HOSTS or TWO_FACTOR_REQUIRED off;
a sound production configuration starts and passes ``manage.py check --deploy`` without a warning.

Each case starts a fresh Python process with only the environment it names (settings are read once per
process), exactly as gunicorn, Celery or ``manage.py`` would."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = secrets.token_urlsafe(64)
SOUND = {"ENVIRONMENT": "production", "DEBUG": "false", "SECRET_KEY": GOOD_KEY,
         "ALLOWED_HOSTS": "vroegsignalering.gemeente.example", "AUDIT_HASH_KEY": secrets.token_urlsafe(48)}
SETUP = "import django; django.setup(); print('gestart')"


def start(environment: dict, code: str = SETUP) -> subprocess.CompletedProcess:
    """``django.setup()`` (what every process does first) in a new process with ``environment`` only."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "vroegsignalering.settings",
           **{k: v for k, v in environment.items() if v is not None}}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


UNSAFE = {
    "DEBUG on": ({"DEBUG": "true"}, "DEBUG staat aan"),
    "no SECRET_KEY (the default key)": ({"SECRET_KEY": None}, "SECRET_KEY"),
    "a key with 'insecure'": ({"SECRET_KEY": "django-insecure-" + GOOD_KEY}, "SECRET_KEY"),
    "a key of 49 characters": ({"SECRET_KEY": GOOD_KEY[:49]}, "SECRET_KEY"),
    "a key of few distinct characters": ({"SECRET_KEY": "ab" * 40}, "SECRET_KEY"),
    "no ALLOWED_HOSTS": ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
    "empty ALLOWED_HOSTS": ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
    "ALLOWED_HOSTS *": ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
    "no ENVIRONMENT (production is the default) and the local key": ({"ENVIRONMENT": None, "SECRET_KEY": None},
                                                                     "SECRET_KEY"),
    "no AUDIT_HASH_KEY (derived from SECRET_KEY)": ({"AUDIT_HASH_KEY": None}, "AUDIT_HASH_KEY"),
    "a short AUDIT_HASH_KEY": ({"AUDIT_HASH_KEY": "kort-" * 6}, "AUDIT_HASH_KEY"),
    "AUDIT_HASH_KEY equal to SECRET_KEY": ({"AUDIT_HASH_KEY": GOOD_KEY}, "AUDIT_HASH_KEY"),
    "ENVIRONMENT in capitals": ({"ENVIRONMENT": "Production", "DEBUG": "1"}, "DEBUG staat aan"),
}


@pytest.mark.parametrize("case", list(UNSAFE), ids=list(UNSAFE))
def test_production_refuses_to_start_with_an_unsafe_setting(case):
    change, message = UNSAFE[case]
    result = start({**SOUND, **change})
    assert result.returncode != 0
    assert "gestart" not in result.stdout
    assert "Vroegsignalering start niet" in result.stderr and message in result.stderr, result.stderr[-2000:]


def test_production_names_every_problem_at_once():
    result = start({"ENVIRONMENT": "production", "DEBUG": "true"})
    assert result.returncode != 0
    for message in ("DEBUG staat aan", "SECRET_KEY", "ALLOWED_HOSTS"):
        assert message in result.stderr


def test_production_refuses_to_start_with_two_factor_authentication_off(tmp_path):
    """TWO_FACTOR_REQUIRED is the sign-in's setting (issue 11 item 2); off is refused in production."""
    (tmp_path / "zonder_2fa.py").write_text("from vroegsignalering.settings import *  # noqa\n"
                                            "TWO_FACTOR_REQUIRED = False\n")
    code = f"import sys; sys.path.insert(0, {str(tmp_path)!r}); {SETUP}"
    result = start({**SOUND, "DJANGO_SETTINGS_MODULE": "zonder_2fa"}, code)
    assert result.returncode != 0 and "TWO_FACTOR_REQUIRED staat uit" in result.stderr, result.stderr[-2000:]


def test_a_manage_py_command_refuses_too():
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True,
                            env={"PATH": os.environ.get("PATH", ""), "ENVIRONMENT": "production", "DEBUG": "true"},
                            timeout=120)
    assert result.returncode != 0 and "Vroegsignalering start niet" in result.stderr


def test_a_sound_production_configuration_starts_with_https_only_defaults():
    code = (SETUP + "; from django.conf import settings as s; "
            "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY)")
    result = start(SOUND, code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["gestart", "True", "31536000", "True", "True", "True", "True"]


def test_the_embedded_run_starts_on_plain_http():
    code = SETUP + "; from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    result = start({"ENVIRONMENT": "development", "DEBUG": "true"}, code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["gestart", "False", "0"]


def test_the_deployment_checklist_is_clean_in_production():
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PATH": os.environ.get("PATH", ""), **SOUND})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
