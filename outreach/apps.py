from django.apps import AppConfig


class OutreachConfig(AppConfig):
    """Reaching the resident (issue 13): outreach plans per tray or target group, the sweeper that runs
    their steps, SMS and e-mail through a Notify gateway, letters and their print batches."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "outreach"
    verbose_name = "Benadering"
