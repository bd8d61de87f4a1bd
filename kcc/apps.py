from django.apps import AppConfig


class KccConfig(AppConfig):
    """The call centre (klantcontactcentrum, issue 13): whether a household has an open case and whom to
    reach, an inbound call as a task for the worker, and the call list for an external call centre."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "kcc"
    verbose_name = "Klantcontactcentrum"

    def ready(self) -> None:
        from accounts.permissions import is_team_lead, works_kcc
        from vroegsignalering.common.navigation import navigation_flag_register

        navigation_flag_register("can_use_kcc", works_kcc)
        navigation_flag_register("can_use_call_list", is_team_lead)
