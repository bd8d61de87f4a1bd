from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework_api_key.admin import APIKeyModelAdmin

from vroegsignalering.common.vocab import CreditorKind

from .admin_mixins import FunctionalAdminMixin, ScopedChoicesMixin
from .models import API_ROLES, Municipality, Role, User, UserAPIKey
from .permissions import is_functional_admin, is_installation_admin, is_superuser, uses_admin
from .selectors import (
    municipalities_administered_by,
    roles_grantable_by,
    user_manageable_by,
    users_manageable_by,
    users_visible_in_admin,
)
from .services import user_token_issue, user_token_outside_scope, user_token_revoke

# DDAS v1.2: the delivering organisation and the contact CBS sends its report to (the municipality's own).
DDAS_FIELDS = ("kvk_number", "ddas_contact_name", "ddas_contact_phone", "ddas_contact_email", "ddas_contact_function")


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
                  "threshold_exempt_kinds", "arrear_age_windows", "retention_months",
                  "retention_months_help_accepted", *DDAS_FIELDS)


IDENTITY_FIELDS = ("cbs_code", "name")
POLICY_FIELDS = ("period_closing_day", "threshold_amount", "threshold_exempt_kinds", "arrear_age_windows",
                 "retention_months", "retention_months_help_accepted", *DDAS_FIELDS)


@admin.register(Municipality)
class MunicipalityAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Municipalities and their policy (security review D3). The installation administrator adds
    municipalities and keeps their code and name, and sees every municipality's policy without changing it:
    the policy is the municipality's own decision. A functional administrator sees only their own
    municipalities and changes their policy (not their code or name). Superusers: everything."""

    form = MunicipalityForm
    list_display = ("name", "cbs_code", "inhabitants", "period_closing_day", "threshold_amount", "exempt_kinds",
                    "retention_months")
    search_fields = ("name", "cbs_code")
    fieldsets = (
        (None, {"fields": ("cbs_code", "name", "inhabitants")}),
        ("Beleid", {"fields": POLICY_FIELDS[:-len(DDAS_FIELDS)]}),
        ("Landelijke uitwisseling (DDAS)", {"fields": DDAS_FIELDS}),
    )

    @admin.display(description="zonder drempel")
    def exempt_kinds(self, obj):
        return ", ".join(obj.threshold_exempt_kinds or []) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=municipalities_administered_by(request.user).values("pk"))

    def has_module_permission(self, request):
        return uses_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return uses_admin(request.user)

    def has_add_permission(self, request, *args):
        return is_installation_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return uses_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request.user)

    def get_readonly_fields(self, request, obj=None):
        if is_superuser(request.user):
            return ()
        if is_installation_admin(request.user):
            return POLICY_FIELDS
        return IDENTITY_FIELDS if obj is not None else ()


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
        return super().get_queryset(request).select_related("user").filter(
            user__in=users_manageable_by(request.user))

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "user") if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = users_manageable_by(request.user).filter(role__in=API_ROLES, is_active=True)
            kwargs["error_messages"] = {"invalid_choice": "Kies een actieve vroegsignaleerder, teamleider of "
                                                          "serviceaccount die alleen voor uw gemeenten werkt."}
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


ROLE_SECTION = "Rol en organisatie"


@admin.register(User)
class VroegsignaleringUserAdmin(ScopedChoicesMixin, UserAdmin):
    """Users (security review D1). Who sees and manages whom is ``accounts.selectors``: a functional
    administrator the users of only their own municipalities (fellow functional administrators read-only), the
    installation administrator the functional administrators and the users without a municipality, a
    superuser everyone. Only a superuser hands out staff or superuser rights, groups and permissions (those
    fields are not in the others' forms at all); the role and municipality choices are those the
    administrator may grant, and a save that would leave the user outside the administrator's reach is undone."""

    list_display = ("username", "first_name", "last_name", "role", "creditor", "is_active")
    list_filter = ("role", "is_active", ("municipalities", admin.RelatedOnlyFieldListFilter))
    fieldsets = UserAdmin.fieldsets + ((ROLE_SECTION, {"fields": ("role", "municipalities", "creditor")}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((ROLE_SECTION, {"fields": ("role", "municipalities", "creditor")}),)
    filter_horizontal = ("municipalities", "groups", "user_permissions")
    inlines = [UserAPIKeyInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=users_visible_in_admin(request.user).values("pk"))

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a new user has no tokens yet

    def has_module_permission(self, request):
        return uses_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return uses_admin(request.user)

    def has_add_permission(self, request, *args):
        return uses_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return uses_admin(request.user) and (obj is None or user_manageable_by(obj, request.user))

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request.user)

    def get_fieldsets(self, request, obj=None):
        if is_superuser(request.user):
            return super().get_fieldsets(request, obj)
        organisation = ("role", "municipalities", "creditor") if is_installation_admin(request.user) else (
            "role", "municipalities")
        if obj is None:
            return ((None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1",
                                                              "password2")}),
                    (ROLE_SECTION, {"fields": organisation}))
        return ((None, {"fields": ("username", "password")}),
                ("Persoonlijke gegevens", {"fields": ("first_name", "last_name", "email")}),
                (ROLE_SECTION, {"fields": organisation}),
                ("Status", {"fields": ("is_active", "last_login", "date_joined")}))

    def get_readonly_fields(self, request, obj=None):
        if is_superuser(request.user):
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            grantable = roles_grantable_by(request.user)
            kwargs["choices"] = [(value, label) for value, label in Role.choices if value in grantable]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if is_superuser(request.user):
            return form
        by = request.user

        class ScopedUserForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                role = self.fields.get("role")
                current = self.instance.role if self.instance.pk else None
                if role is not None and current and current not in dict(role.choices):  # keeping it grants nothing
                    role.choices = [*role.choices, (current, self.instance.get_role_display())]

            def clean(self):
                cleaned = super().clean()
                _check_grant(self, by, cleaned)
                return cleaned

        return ScopedUserForm

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not is_superuser(request.user) and not user_manageable_by(form.instance, request.user):
            # The form allows only what this administrator may grant; this guards the rule itself (the
            # admin's transaction is rolled back).
            raise PermissionDenied("Deze wijziging valt buiten wat u mag beheren.")


def _check_grant(form, by, cleaned) -> None:
    """The role and memberships a non-superuser administrator gives must stay within their reach."""
    role = cleaned.get("role")
    municipalities = cleaned.get("municipalities")
    if role is None or municipalities is None:
        return  # the field already has its error
    if role not in roles_grantable_by(by) and role != form.initial.get("role"):
        form.add_error("role", "Deze rol kunt u niet toekennen.")
    elif is_functional_admin(by) and not municipalities:
        form.add_error("municipalities", "Kies ten minste één van uw gemeenten.")
    elif role == Role.FUNCTIONEEL_BEHEERDER and not municipalities:
        form.add_error("municipalities", "Kies de gemeente(n) van deze functioneel beheerder.")
    elif role == Role.VASTELASTENPARTNER and municipalities:
        form.add_error("municipalities", "Een medewerker van een vastelastenpartner hoort niet bij een gemeente.")
    elif is_installation_admin(by) and role != Role.FUNCTIONEEL_BEHEERDER and municipalities:
        form.add_error("municipalities", "U geeft alleen een functioneel beheerder een gemeente; de andere "
                                         "rollen van een gemeente kent de functioneel beheerder toe.")
