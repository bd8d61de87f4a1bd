from django.apps import AppConfig


class MonitorConfig(AppConfig):
    """The monitor: aggregated statistics over the whole path (signals, cases, contacts), never about
    one resident. Reads only; it sits above every other app."""

    name = "monitor"
    verbose_name = "Monitor"
