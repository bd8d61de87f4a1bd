from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "vroegsignalering.common"
    label = "common"
    verbose_name = "Algemeen"

    def ready(self):
        from django.conf import settings

        from . import openapi  # noqa: F401 - registers the OpenAPI extensions
        from .guard import refuse_unsafe_production

        refuse_unsafe_production(settings)  # issue 11: production refuses to start with unsafe settings
