from django.contrib import admin

from vroegsignalering.common.admin import MunicipalityScopedAdminMixin, ReadOnlyAdminMixin

from .models import FeedbackEvent


@admin.register(FeedbackEvent)
class FeedbackEventAdmin(MunicipalityScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the outbox is written by the services, in the transaction of its cause."""

    list_display = ("issued_at", "signal", "creditor", "municipality", "code", "date", "collection_pause_until",
                    "seq")
    list_filter = ("code", "creditor")
    list_select_related = ("signal", "creditor", "municipality")
    date_hierarchy = "issued_at"
    raw_id_fields = ("signal",)
