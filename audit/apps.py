from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail of reads and writes of personal data."""

    name = "audit"
    verbose_name = "Audittrail"

    def ready(self) -> None:
        from accounts.permissions import reads_audit_trail
        from vroegsignalering.common.navigation import navigation_flag_register

        navigation_flag_register("can_read_audit_trail", reads_audit_trail)
