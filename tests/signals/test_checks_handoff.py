"""The checks hand a checked signal to the case side by a hook in common (ADR 0008), and the
intake's tasks keep the one Celery idiom."""
import pytest

from cases import taking
from signals import csv_services, tasks
from vroegsignalering.common import hooks


def test_the_case_side_takes_checked_signals():
    assert hooks._handlers[hooks.SIGNAL_CHECKED] is taking.signal_take


def test_a_hook_without_handler_fails_loudly():
    with pytest.raises(hooks.HookNotRegistered, match="no_such_hook"):
        hooks.hook_call("no_such_hook", signal=None)


def test_a_hook_has_one_handler(monkeypatch):
    monkeypatch.setattr(hooks, "_handlers", {})
    hooks.hook_register("h", len)
    hooks.hook_register("h", len)  # the same handler again (a second ready()) changes nothing
    hooks.hook_register("k", lambda *, value: value * 2)
    assert hooks.hook_call("k", value=21) == 42
    with pytest.raises(ValueError, match="already has a handler"):
        hooks.hook_register("h", print)


def test_a_csv_import_retries_the_errors_its_run_lets_through():
    assert set(tasks.CSV_IMPORT_RETRY_ERRORS) >= set(csv_services.TRANSIENT_ERRORS)
