from django.apps import AppConfig


class MonitorConfig(AppConfig):
    """The monitor: aggregated statistics over the whole path (signals, cases, contacts), never about
    one resident. Reads only; it sits above every other app."""

    name = "monitor"
    verbose_name = "Monitor"

    def ready(self) -> None:
        from accounts.permissions import reads_monitor
        from vroegsignalering.common.navigation import navigation_flag_register

        navigation_flag_register("can_read_monitor", reads_monitor)
