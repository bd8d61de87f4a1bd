from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "vroegsignalering.common"
    label = "common"
    verbose_name = "Algemeen"

    def ready(self):
        from . import openapi  # noqa: F401 - registers the OpenAPI extensions
