from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Cases (meldingen): matching, routing (afwegingskader), the 28-day state machine."""

    name = "cases"
    verbose_name = "Meldingen"

    def ready(self) -> None:
        # Django's idiom: the app's modules load once every app's models are ready.
        from vroegsignalering.common import hooks

        from . import taking

        hooks.hook_register(hooks.SIGNAL_CHECKED, taking.signal_take)
        hooks.hook_register(hooks.SIGNALS_CHECKING, taking.signals_take_prepare)
