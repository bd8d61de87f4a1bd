"""The settings of the test suite (pyproject: pytest-django's DJANGO_SETTINGS_MODULE): the project's settings in
development mode (ENVIRONMENT=development unless the environment says otherwise), so that the suite runs on
plain-http loopback with the local key. Set in the process environment, so that the servers and commands the
tests start in subprocesses inherit it. Tests of production behaviour override settings or start a
subprocess with ENVIRONMENT=production (tests/test_production_guard.py, tests/test_security_headers.py)."""
import os

os.environ.setdefault("ENVIRONMENT", "development")

from vroegsignalering.settings import *  # noqa: E402,F403
