from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "vroegsignalering.common"
    label = "common"
    verbose_name = "Algemeen"
