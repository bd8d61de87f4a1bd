from django.contrib import admin

from accounts.admin_mixins import MunicipalityScopedAdminMixin, ReadOnlyAdminMixin

from .models import ContactAttempt


@admin.register(ContactAttempt)
class ContactAttemptAdmin(MunicipalityScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    municipality_lookup = "case__municipality"
    """Read-only: attempts are registered through the services (the window is enforced there)."""

    list_display = ("case", "kind", "at", "dagdeel", "reached", "reply_received_at", "by")
    list_filter = ("kind", "reached", "dagdeel")
    list_select_related = ("case", "by")
    exclude = ("note", "reply_note")  # free text may hold what the resident told: not for administrators
