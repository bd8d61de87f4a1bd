"""The main menu's entries that follow an app's rules, without the site importing the app.

Each app registers, in its ``AppConfig.ready``, a template variable and the predicate that decides it
for a user (``navigation_flag_register("can_import_signals", can_import_signals)``); the site's context
processor (``vroegsignalering.context_processors.navigation``) gives every template those flags.
"""
from collections.abc import Callable

_FLAGS: dict[str, Callable[[object], bool]] = {}


def navigation_flag_register(name: str, predicate: Callable[[object], bool]) -> None:
    """Offer the template variable ``name``: ``predicate(user)`` for a request's user."""
    _FLAGS[name] = predicate


def navigation_flags(user) -> dict[str, bool]:
    """Every registered flag for this user (False for every flag when there is no user)."""
    return {name: user is not None and predicate(user) for name, predicate in _FLAGS.items()}
