"""The Celery application. Tasks live in each app's ``tasks.py``.

No personal data in task messages or worker logs (review D13): task arguments are internal ids only
(tests/test_log_privacy.py checks every ``.delay``); as defence in depth the argument text that
Celery shows in events, monitoring tools and some log lines (``argsrepr``/``kwargsrepr``) is masked,
and the worker's log handlers get the same personal-data filter as Django's.
"""
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.signals import after_setup_logger, after_setup_task_logger
from celery.utils.saferepr import saferepr

from vroegsignalering.common.logging import PersonalDataFilter, mask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vroegsignalering.settings")


class MaskedArgumentsTask(DjangoTask):
    """Celery's Django task (``delay_on_commit``) whose arguments are shown masked (``argsrepr``); the
    arguments themselves are unchanged."""

    def apply_async(self, args=None, kwargs=None, *rest, **options):
        options.setdefault("argsrepr", mask(saferepr(tuple(args or ()))))
        options.setdefault("kwargsrepr", mask(saferepr(dict(kwargs or {}))))
        return super().apply_async(args, kwargs, *rest, **options)


app = Celery("vroegsignalering", task_cls=MaskedArgumentsTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _mask_personal_data(logger=None, **_kwargs) -> None:
    """The handlers the worker installs (it takes over the root logger) mask personal data too."""
    for handler in getattr(logger, "handlers", []):
        if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
            handler.addFilter(PersonalDataFilter())
