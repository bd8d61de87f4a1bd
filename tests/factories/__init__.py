"""Test data builders, one module per app (factory_boy where a model is built). Persons are synthetic.

``from tests.factories import X`` works for every builder; the modules say where each one lives."""
from tests.factories.accounts import MunicipalityFactory, UserFactory, client_for, token_for
from tests.factories.cases import TEAM_NOW, TEAM_OPENED, make_case, make_cases, make_tray, open_case, open_cases
from tests.factories.contacts import reach
from tests.factories.dates import aware, now_local, today
from tests.factories.signals import (
    CreditorFactory,
    address,
    build_signal,
    creditor_for,
    issued_key,
    make_signal,
    make_signals,
    signal_payload,
)

__all__ = [
    "TEAM_NOW", "TEAM_OPENED", "CreditorFactory", "MunicipalityFactory", "UserFactory", "address", "aware",
    "build_signal", "client_for", "creditor_for", "issued_key", "make_case", "make_cases", "make_signal",
    "make_signals", "make_tray", "now_local", "open_case", "open_cases", "reach", "signal_payload", "today",
    "token_for",
]
