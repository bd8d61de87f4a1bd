"""Named synchronous hooks: a lower layer hands work to a higher one without importing it.

A higher app registers exactly one handler per hook name (in its ``AppConfig.ready``); the lower
app calls the hook by name and gets the handler's answer. The call runs in the caller's
transaction, which is the point of a hook over a Celery task by name: nothing can see the
caller's work before the handler's (ADR 0008).
"""
from collections.abc import Callable
from typing import Any

# The checks of a signal are done (the signal is locked, in ``in_controle``): the case side takes it
# (``cases.taking.signal_take``) and returns the checks' last ``Step``.
SIGNAL_CHECKED = "signal_checked"
# The checks of a chunk of signals are about to hand them over in one transaction
# (``signals.checks_chunk``): the case side takes, in one fixed order, every lock its takes will need,
# so two chunks never wait for each other in a circle, and returns the context manager the takes run in
# (``cases.taking.signals_take_prepare``).
SIGNALS_CHECKING = "signals_checking"

_handlers: dict[str, Callable[..., Any]] = {}


class HookNotRegistered(LookupError):  # noqa: N818 (named for what is missing)
    """A hook was called that no app registered a handler for."""


def hook_register(name: str, handler: Callable[..., Any]) -> None:
    """Register the one handler of ``name``; registering the same handler again changes nothing."""
    current = _handlers.get(name)
    if current is not None and current is not handler:
        raise ValueError(f"Hook {name!r} already has a handler ({current.__module__}.{current.__qualname__}).")
    _handlers[name] = handler


def hook_call(name: str, /, **kwargs: Any) -> Any:
    """Call the handler of ``name`` with ``kwargs`` and return its answer."""
    try:
        handler = _handlers[name]
    except KeyError:
        raise HookNotRegistered(
            f"No handler registered for hook {name!r}: the app that takes it is not installed or did not "
            "register it in its AppConfig.ready()."
        ) from None
    return handler(**kwargs)
