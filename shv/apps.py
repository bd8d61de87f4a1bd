from django.apps import AppConfig


class ShvConfig(AppConfig):
    """The debt-assistance (schuldhulpverlening) register the checks consult."""

    name = "shv"
    verbose_name = "Schuldhulpverlening"
