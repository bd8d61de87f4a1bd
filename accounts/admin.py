from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from rest_framework_api_key.admin import APIKeyModelAdmin

from vroegsignalering.common.admin import FunctionalAdminMixin

from .models import API_ROLES, Municipality, User, UserAPIKey
from .services import user_token_revoke


@admin.register(Municipality)
class MunicipalityAdmin(FunctionalAdminMixin, admin.ModelAdmin):
    list_display = ("name", "cbs_code", "inhabitants", "threshold_amount", "retention_months")
    search_fields = ("name", "cbs_code")
    fieldsets = (
        (None, {"fields": ("cbs_code", "name", "inhabitants")}),
        ("Beleid", {"fields": ("threshold_amount", "threshold_exempt_kinds", "arrear_age_windows",
                               "period_closing_day", "retention_months")}),
    )


class UserAPIKeyInline(FunctionalAdminMixin, admin.TabularInline):
    """A user's tokens for the municipal API, read-only here: issue and revoke them under 'API-tokens'."""

    model = UserAPIKey
    extra = 0
    can_delete = False
    fields = ("prefix", "name", "created", "expiry_date", "revoked")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "API-tokens (gemeentelijke API; uitgeven en intrekken onder 'API-tokens')"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UserAPIKey)
class UserAPIKeyAdmin(FunctionalAdminMixin, APIKeyModelAdmin):
    """Tokens for the municipal API. The token is shown once, as a message, when it is added; revoke with the
    action (or by ticking 'revoked' on the token)."""

    list_display = (*APIKeyModelAdmin.list_display, "user")
    list_filter = (*APIKeyModelAdmin.list_filter, "revoked", "user__role")
    search_fields = (*APIKeyModelAdmin.search_fields, "user__username")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "user") if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(role__in=API_ROLES, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description="Geselecteerde tokens intrekken")
    def revoke(self, request, queryset):
        revoked = sum(user_token_revoke(api_key=api_key) for api_key in queryset)
        self.message_user(request, f"{revoked} token(s) ingetrokken.", messages.SUCCESS)


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
    inlines = [UserAPIKeyInline]

    def get_readonly_fields(self, request, obj=None):
        # Only superusers hand out superuser or staff rights.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("is_superuser", "is_staff", "groups", "user_permissions", "last_login", "date_joined")
