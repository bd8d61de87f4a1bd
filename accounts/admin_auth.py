"""Sign-in objects in ``/beheer/`` (issue 11 D9, D15), for the installation administrator (and superusers):

- the login lockout (django-axes): the failed attempts and the failure log, with the action "ontgrendelen";
- the second-factor devices (django-otp): who has set one up; the action "opnieuw laten instellen" removes a
  lost phone's device so the user sets up a new one at the next sign-in (a superuser's only by a superuser).

Registered from ``AccountsConfig.ready``; axes's own admin is off (``AXES_ENABLE_ADMIN = False``).
"""
from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin, messages
from django.db.models import Q
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .admin_mixins import InstallationAdminMixin
from .permissions import is_superuser


class _ReadOnly(InstallationAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class AccessAttemptAdmin(_ReadOnly):
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "path_info"]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "failures_since_start", "attempt_time", "path_info", "user_agent"]
    readonly_fields = fields
    actions = ["unlock"]

    def has_unlock_permission(self, request):
        return super().has_view_permission(request)

    @admin.action(description="Ontgrendelen (account en adres)", permissions=["unlock"])
    def unlock(self, request, queryset):
        usernames = {value for value in queryset.values_list("username", flat=True) if value}
        addresses = {value for value in queryset.values_list("ip_address", flat=True) if value}
        removed, _ = AccessAttempt.objects.filter(Q(username__in=usernames) | Q(ip_address__in=addresses)).delete()
        self.message_user(request, f"Ontgrendeld: {', '.join(sorted(usernames | addresses))} "
                                   f"({removed} mislukte pogingen gewist).", messages.SUCCESS)


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(_ReadOnly):
    list_display = ["username", "ip_address", "attempt_time", "locked_out", "path_info"]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "attempt_time", "locked_out", "path_info", "user_agent"]
    readonly_fields = fields


class _DeviceAdmin(_ReadOnly):
    list_display = ["user", "name", "confirmed"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed"]
    readonly_fields = fields
    actions = ["reset"]

    def has_reset_permission(self, request):
        return super().has_view_permission(request)

    @admin.action(description="Tweestapsverificatie opnieuw laten instellen (verwijdert het apparaat)",
                  permissions=["reset"])
    def reset(self, request, queryset):
        if not is_superuser(request.user):
            queryset = queryset.filter(user__is_superuser=False)
        removed, _ = queryset.delete()
        self.message_user(request, f"{removed} apparaat/apparaten verwijderd; de gebruiker stelt bij de volgende "
                                   "keer inloggen een nieuwe in.", messages.SUCCESS)


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, _DeviceAdmin)
