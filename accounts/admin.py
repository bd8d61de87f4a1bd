from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from vroegsignalering.common.admin import FunctionalAdminMixin

from .models import Municipality, User


@admin.register(Municipality)
class MunicipalityAdmin(FunctionalAdminMixin, admin.ModelAdmin):
    list_display = ("name", "cbs_code", "inhabitants", "threshold_amount", "retention_months")
    search_fields = ("name", "cbs_code")
    fieldsets = (
        (None, {"fields": ("cbs_code", "name", "inhabitants")}),
        ("Beleid", {"fields": ("threshold_amount", "threshold_exempt_kinds", "arrear_age_windows",
                               "period_closing_day", "retention_months")}),
    )


@admin.register(User)
class VroegsignaleringUserAdmin(FunctionalAdminMixin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "creditor", "is_active")
    list_filter = ("role", "is_active", "municipalities")
    fieldsets = UserAdmin.fieldsets + (
        ("Rol en organisatie", {"fields": ("role", "municipalities", "creditor")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("Rol en organisatie", {"fields": ("role", "municipalities", "creditor")}),
    )
    filter_horizontal = ("municipalities", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        # Only superusers hand out superuser or staff rights.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("is_superuser", "is_staff", "groups", "user_permissions", "last_login", "date_joined")
