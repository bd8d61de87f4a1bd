"""Run one scheduled job now, in this process (operators, tests): `manage.py run_job checks-sweep`."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vroegsignalering.celery import app


def jobs() -> dict[str, str]:
    """Job name → task name: the beat schedule's entries."""
    return {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}


class Command(BaseCommand):
    help = "Voer een geplande taak nu één keer uit (in dit proces)."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="Naam van de taak; zonder naam: de lijst")

    def handle(self, *args, **options):
        known = jobs()
        name = options["name"]
        if not name:
            for job, task in sorted(known.items()):
                self.stdout.write(f"{job:<28} {task}")
            return
        if name not in known:
            raise CommandError(f"Onbekende taak {name!r}. Bekend: {', '.join(sorted(known))}.")
        app.loader.import_default_modules()
        result = app.tasks[known[name]].apply(throw=True)
        self.stdout.write(self.style.SUCCESS(f"Taak {name} uitgevoerd: {result.result!r}"))
