from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from rest_framework_api_key.admin import APIKeyModelAdmin

from vroegsignalering.common.vocab import CreditorKind

from .admin_mixins import FunctionalAdminMixin, admin_scope
from .models import API_ROLES, Municipality, User, UserAPIKey
from .permissions import is_superuser
from .selectors import users_sharing_a_municipality
from .services import user_token_issue, user_token_outside_scope, user_token_revoke


class MunicipalityForm(forms.ModelForm):
    """The policy an operator sets, with choices instead of raw JSON where the values are a vocabulary."""

    threshold_exempt_kinds = forms.MultipleChoiceField(
        label="soorten vaste last zonder drempel", choices=CreditorKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Signalen van deze soorten worden ook onder het drempelbedrag opgepakt (vaak drinkwater).",
    )

    class Meta:
        model = Municipality
        fields = ("cbs_code", "name", "inhabitants", "period_closing_day", "threshold_amount",
                  "threshold_exempt_kinds", "arrear_age_windows", "retention_months")


@admin.register(Municipality)
class MunicipalityAdmin(FunctionalAdminMixin, admin.ModelAdmin):
    """Municipalities and their policy. A functional administrator sees and changes only their own
    municipalities; adding one is for superusers (the installation's administrator)."""

    form = MunicipalityForm
    list_display = ("name", "cbs_code", "inhabitants", "period_closing_day", "threshold_amount", "exempt_kinds",
                    "retention_months")
    search_fields = ("name", "cbs_code")
    fieldsets = (
        (None, {"fields": ("cbs_code", "name", "inhabitants")}),
        ("Beleid", {"fields": ("period_closing_day", "threshold_amount", "threshold_exempt_kinds",
                               "arrear_age_windows", "retention_months")}),
    )

    @admin.display(description="zonder drempel")
    def exempt_kinds(self, obj):
        return ", ".join(obj.threshold_exempt_kinds or []) or "—"

    def get_queryset(self, request):
        return admin_scope(super().get_queryset(request), request.user, municipality_lookup="pk")

    def has_add_permission(self, request, *args):
        return is_superuser(request.user)


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
    action (or by ticking 'revoked' on the token). A functional administrator sees and issues tokens only for
    users of their own municipalities; every issue and revoke is logged."""

    list_display = (*APIKeyModelAdmin.list_display, "user")
    list_filter = (*APIKeyModelAdmin.list_filter, "revoked", "user__role")
    search_fields = (*APIKeyModelAdmin.search_fields, "user__username")
    actions = ["revoke"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        if is_superuser(request.user):
            return queryset
        return queryset.filter(user__in=users_sharing_a_municipality(request.user))

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "user") if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = users_sharing_a_municipality(request.user).filter(role__in=API_ROLES, is_active=True)
            kwargs["error_messages"] = {"invalid_choice": "Kies een actieve vroegsignaleerder, teamleider of "
                                                          "serviceaccount van een van uw gemeenten."}
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form

        class IssueForm(form):
            def clean(self):
                cleaned = super().clean()
                user = cleaned.get("user")
                refusal = user and user_token_outside_scope(user=user, by=request.user)
                if refusal:  # the choices already exclude such users; this guards the rule itself
                    self.add_error("user", refusal)
                return cleaned

        return IssueForm

    def save_model(self, request, obj, form, change):
        if not change:
            try:
                api_key, key = user_token_issue(user=obj.user, name=obj.name, expiry_date=obj.expiry_date,
                                                by=request.user)
            except ValidationError as exc:  # the form checked this; a race (membership just changed) lands here
                raise PermissionDenied(" ".join(exc.messages)) from exc
            for field in api_key._meta.concrete_fields:  # the admin goes on with ``obj`` (log entry, redirect)
                setattr(obj, field.attname, getattr(api_key, field.attname))
            obj._state.adding, obj._state.db = False, api_key._state.db
            self.message_user(request, f"Het token voor {obj.user.username} ({obj.name}) is: {key} — bewaar het "
                                       "veilig; het wordt niet nog eens getoond.", messages.WARNING)
            return
        revoking = obj.revoked and "revoked" in form.changed_data
        if revoking:  # save the other changes, then revoke through the service (logged)
            obj.revoked = False
        obj.save()
        if revoking:
            user_token_revoke(api_key=obj, by=request.user)
            obj.revoked = True

    @admin.action(description="Geselecteerde tokens intrekken")
    def revoke(self, request, queryset):
        revoked = sum(user_token_revoke(api_key=api_key, by=request.user) for api_key in queryset)
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

    def get_queryset(self, request):
        """A functional administrator manages the users of their own municipalities and users without one
        (creditor staff, new accounts): not another municipality's staff, whose password or membership
        they could otherwise change to act as them. Superusers: everyone."""
        queryset = super().get_queryset(request)
        if is_superuser(request.user):
            return queryset
        return queryset.filter(Q(municipalities__in=request.user.municipalities.all())
                               | Q(municipalities__isnull=True)).distinct()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "municipalities" and not is_superuser(request.user):
            kwargs["queryset"] = request.user.municipalities.all()  # also on their own record: no self-promotion
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        """The form only offers the administrator's municipalities: keep the user's memberships elsewhere."""
        elsewhere = []
        if change and not is_superuser(request.user):
            elsewhere = list(form.instance.municipalities.exclude(pk__in=request.user.municipalities.all()))
        super().save_related(request, form, formsets, change)
        if elsewhere:
            form.instance.municipalities.add(*elsewhere)

    def get_readonly_fields(self, request, obj=None):
        # Only superusers hand out superuser or staff rights.
        if is_superuser(request.user):
            return super().get_readonly_fields(request, obj)
        return ("is_superuser", "is_staff", "groups", "user_permissions", "last_login", "date_joined")
