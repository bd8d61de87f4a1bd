from django.apps import AppConfig


class MonitorConfig(AppConfig):
    """The monitor: aggregated statistics over the whole path (signals, cases, contacts), never about
    one resident. It keeps its own statistics store (``monitor.models``), written from the lower
    apps' history rows as things happen (``monitor.receivers``)."""

    name = "monitor"
    verbose_name = "Monitor"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.permissions import is_functional_admin, reads_monitor
        from cases.models import CaseHistory
        from signals.models import SignalHistory
        from vroegsignalering.common.bulk import rows_inserted
        from vroegsignalering.common.navigation import navigation_flag_register

        from . import receivers

        post_save.connect(receivers.signal_history_saved, sender=SignalHistory,
                          dispatch_uid="monitor.signal_history_saved")
        post_save.connect(receivers.case_history_saved, sender=CaseHistory, dispatch_uid="monitor.case_history_saved")
        rows_inserted.connect(receivers.rows_inserted, dispatch_uid="monitor.rows_inserted")
        navigation_flag_register("can_read_monitor", reads_monitor)  # the menu's "Monitor"
        navigation_flag_register("can_export_ddas", is_functional_admin)  # the menu's "DDAS-levering"
