from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from rest_framework_api_key.admin import APIKeyModelAdmin

from accounts.admin_mixins import InstallationAdminMixin, MunicipalityScopedAdminMixin, ReadOnlyAdminMixin

from .csv_selectors import csv_import_list_for_user, deliveries_for_admin
from .history import signal_history_text
from .models import Creditor, CreditorAPIKey, CsvImport, Delivery, Signal, SignalHistory
from .services import api_key_revoke


@admin.register(Creditor)
class CreditorAdmin(InstallationAdminMixin, admin.ModelAdmin):
    """Installation-wide: a creditor serves every municipality (the installation administrator's)."""

    list_display = ("name", "kinds", "contact_name", "contact_email", "is_active")
    search_fields = ("name",)


@admin.register(CreditorAPIKey)
class CreditorAPIKeyAdmin(InstallationAdminMixin, APIKeyModelAdmin):
    """Keys are shown once on creation (a message); revoke with the action. Installation-wide (security review
    D2): a key reads the creditor's signals and feedback in every municipality."""

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
    """Read-only. A functional administrator sees the deliveries of the CSV imports they see (security review
    D5); an API delivery holds rows for many municipalities (superusers)."""

    list_display = ("id", "creditor", "source", "received_at", "count_received",
                    "count_already_received", "count_refused")
    list_filter = ("source", ("creditor", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "received_at"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=deliveries_for_admin(user=request.user).values("pk"))


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
    """Read-only, scoped like the import screens (security review D5). The page shows the counts and links to
    the results screen and file, never the rows themselves (D16: 157,000 rows made a 50 MB page)."""

    list_display = ("file_name", "creditor", "uploaded_by", "created_at", "state", "rows_total",
                    "count_received", "count_refused")
    list_filter = ("state", ("creditor", admin.RelatedOnlyFieldListFilter))
    fields = ("file_name", "creditor", "uploaded_by", "limited_to", "created_at", "progress_at", "state",
              "rows_total", "rows_done", "count_received", "count_already_received", "count_refused", "error",
              "results_links")
    readonly_fields = fields

    def get_queryset(self, request):
        return (super().get_queryset(request).filter(pk__in=csv_import_list_for_user(user=request.user).values("pk"))
                .select_related("creditor", "uploaded_by").defer("content", "results"))

    @admin.display(description="beperkt tot gemeenten")
    def limited_to(self, obj):
        return ", ".join(str(municipality) for municipality in obj.municipalities.all()) or "— (alle gemeenten)"

    @admin.display(description="resultaten per regel")
    def results_links(self, obj):
        return format_html('<a href="{}">Bekijk de resultaten</a> · <a href="{}">Download de resultaten (CSV)</a>',
                           reverse("csv_import_detail", args=[obj.pk]),
                           reverse("csv_import_results_csv", args=[obj.pk]))
