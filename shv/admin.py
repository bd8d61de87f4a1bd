from django.contrib import admin

from accounts.admin_mixins import MunicipalityScopedAdminMixin, ReadOnlyAdminMixin

from .models import ShvRegistration


@admin.register(ShvRegistration)
class ShvRegistrationAdmin(MunicipalityScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read only: the register changes only by importing the SHV system's export (import_shv)."""

    list_display = ("bsn", "municipality", "product", "start_date", "end_decision_date", "imported_at", "source")
    list_filter = ("municipality", "product")
    search_fields = ("=bsn",)  # exact BSN only: no browsing by partial numbers
    list_select_related = ("municipality",)
    show_full_result_count = False
