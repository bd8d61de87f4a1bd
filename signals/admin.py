from django.contrib import admin, messages
from rest_framework_api_key.admin import APIKeyModelAdmin

from accounts.admin_mixins import FunctionalAdminMixin, MunicipalityScopedAdminMixin, ReadOnlyAdminMixin

from .history import signal_history_text
from .models import Creditor, CreditorAPIKey, CsvImport, Delivery, Signal, SignalHistory
from .services import api_key_revoke


@admin.register(Creditor)
class CreditorAdmin(FunctionalAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kinds", "contact_name", "contact_email", "is_active")
    search_fields = ("name",)


@admin.register(CreditorAPIKey)
class CreditorAPIKeyAdmin(FunctionalAdminMixin, APIKeyModelAdmin):
    """Keys are shown once on creation (a message); revoke with the action."""

    list_display = (*APIKeyModelAdmin.list_display, "creditor")
    list_filter = (*APIKeyModelAdmin.list_filter, "creditor")
    actions = ["revoke"]

    @admin.action(description="Geselecteerde sleutels intrekken")
    def revoke(self, request, queryset):
        for api_key in queryset:
            api_key_revoke(api_key=api_key)
        self.message_user(request, f"{queryset.count()} sleutel(s) ingetrokken.", messages.SUCCESS)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "creditor", "source", "received_at", "count_received",
                    "count_already_received", "count_refused")
    list_filter = ("source", "creditor")
    date_hierarchy = "received_at"


class SignalHistoryInline(admin.TabularInline):
    model = SignalHistory
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "actor", "from_status", "to_status", "text")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="reden")
    def text(self, row):
        """The row's sentence, worded from its event and params (``signals.history``)."""
        return signal_history_text(row)


@admin.register(Signal)
class SignalAdmin(MunicipalityScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("signal_id", "creditor", "municipality", "creditor_kind", "signal_kind", "amount",
                    "postcode", "house_number", "status", "received_at")
    list_filter = ("municipality", "creditor_kind", "signal_kind", "status")
    search_fields = ("signal_id", "postcode", "surname")
    inlines = [SignalHistoryInline]
    list_select_related = ("creditor", "municipality")
    show_full_result_count = False


@admin.register(CsvImport)
class CsvImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("file_name", "creditor", "uploaded_by", "created_at", "state", "rows_total",
                    "count_received", "count_refused")
    exclude = ("content",)
