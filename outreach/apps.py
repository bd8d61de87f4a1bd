from django.apps import AppConfig


class OutreachConfig(AppConfig):
    """Reaching the resident (issue 13): outreach plans per tray or target group, the sweeper that runs
    their steps, SMS and e-mail through a Notify gateway, letters and their print batches."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "outreach"
    verbose_name = "Benadering"

    def ready(self) -> None:
        from accounts.permissions import is_functional_admin, is_team_lead, works_cases
        from vroegsignalering.common.navigation import navigation_flag_register

        navigation_flag_register("can_plan_outreach", is_functional_admin)  # plans, texts, batches, settings
        navigation_flag_register("has_task_list", works_cases)  # "Mijn taken"
        navigation_flag_register("sees_print_batches", is_team_lead)

        # --- engine: follow the case history (outreach.receivers) ---
        from django.db.models.signals import post_save

        from cases.models import CaseHistory
        from vroegsignalering.common.bulk import rows_inserted

        from . import receivers

        post_save.connect(receivers.case_history_saved, sender=CaseHistory,
                          dispatch_uid="outreach.case_history_saved")
        rows_inserted.connect(receivers.rows_inserted, dispatch_uid="outreach.rows_inserted")
