"""Functional administrators edit the afwegingskader here: trays, rules, allocations, policy.
Cases are shown read-only (they change only through the services)."""
from django import forms
from django.contrib import admin, messages

from accounts.admin import MunicipalityAdmin
from accounts.admin_mixins import FunctionalAdminMixin, MunicipalityScopedAdminMixin, ReadOnlyAdminMixin
from accounts.models import Municipality
from accounts.permissions import is_functional_admin

from .history import case_history_text
from .models import Case, CaseHistory, CasePolicy, CaseSignal, PeriodClose, RoutingRule, Tray, TrayAllocation
from .models.config import retention_too_short
from .presets import PRESETS, routing_preset_install
from .routing import describe_conditions
from .services import MAX_TRAY_CAPACITY


def _capacity_in_range(value):
    if value is not None and value > MAX_TRAY_CAPACITY:
        raise forms.ValidationError(f"Hoogstens {MAX_TRAY_CAPACITY:,} per periode.".replace(",", "."))
    return value


class TrayForm(forms.ModelForm):
    class Meta:
        model = Tray
        fields = ("municipality", "code", "name", "description", "contact_kind", "monthly_capacity",
                  "capacity_fallback", "requires_contact", "missing_contact_fallback", "end_outcome", "is_active")

    def clean_monthly_capacity(self):
        return _capacity_in_range(self.cleaned_data.get("monthly_capacity"))


@admin.register(Tray)
class TrayAdmin(MunicipalityScopedAdminMixin, admin.ModelAdmin):
    form = TrayForm
    list_display = ("name", "code", "municipality", "contact_kind", "monthly_capacity", "capacity_fallback",
                    "requires_contact", "missing_contact_fallback", "end_outcome", "is_active")
    list_filter = ("municipality", "is_active")
    list_editable = ("monthly_capacity",)
    search_fields = ("name", "code")
    list_select_related = ("municipality", "capacity_fallback", "missing_contact_fallback")


@admin.register(RoutingRule)
class RoutingRuleAdmin(MunicipalityScopedAdminMixin, admin.ModelAdmin):
    list_display = ("position", "name", "municipality", "conditions", "tray", "priority", "is_active")
    list_display_links = ("name",)
    list_filter = ("municipality", "is_active", "tray")
    list_select_related = ("municipality", "tray")
    ordering = ("municipality", "position")
    fieldsets = (
        (None, {"fields": ("municipality", "position", "name", "explanation", "is_active")}),
        ("Voorwaarden (leeg = geldt altijd)", {"fields": (
            "crisis", "match_type", "recidive", ("amount_gt", "amount_gte"), ("amount_lt", "amount_lte"),
            "creditor_kinds", ("age_min", "age_max"), "has_minors", ("has_phone", "has_email"), "shv_statuses",
        )}),
        ("Uitkomst", {"fields": ("tray", "priority")}),
    )

    @admin.display(description="voorwaarden")
    def conditions(self, obj):
        return describe_conditions(obj)


@admin.register(TrayAllocation)
class TrayAllocationAdmin(MunicipalityScopedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "municipality", "position", "is_active")
    list_filter = ("municipality",)


def _preset_action(key):
    preset = PRESETS[key]

    @admin.action(description=f"Voorinstelling '{key}' installeren (vervangt regels)")
    def action(modeladmin, request, queryset):
        for policy in queryset.select_related("municipality"):
            routing_preset_install(municipality=policy.municipality, preset=key)
        modeladmin.message_user(request, f"{preset.title}: geïnstalleerd voor {queryset.count()} gemeente(n).",
                                messages.SUCCESS)

    action.__name__ = f"install_{key}"
    return action


@admin.register(CasePolicy)
class CasePolicyAdmin(MunicipalityScopedAdminMixin, admin.ModelAdmin):
    list_display = ("municipality", "reopen_term_months", "repeat_window_months", "default_tray")
    actions = [_preset_action(key) for key in sorted(PRESETS)]


@admin.register(PeriodClose)
class PeriodCloseAdmin(MunicipalityScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("municipality", "period_start", "period_end", "closed_at")
    list_filter = ("municipality",)


class CaseSignalInline(admin.TabularInline):
    model = CaseSignal
    extra = 0
    can_delete = False
    readonly_fields = ("signal", "role", "joined_at")

    def has_add_permission(self, request, obj=None):
        return False


class CaseHistoryInline(admin.TabularInline):
    model = CaseHistory
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "event", "actor_name", "from_status", "to_status", "text")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="reden")
    def text(self, row):
        """The row's sentence, worded from its params (``cases.history``)."""
        return case_history_text(row)


@admin.register(Case)
class CaseAdmin(MunicipalityScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "municipality", "period_end", "match_type", "recidive", "is_crisis", "amount", "tray",
                    "priority", "status", "outcome", "deadline_at")
    list_filter = ("municipality", "status", "match_type", "recidive", "is_crisis", "tray")
    list_select_related = ("municipality", "tray")
    inlines = [CaseSignalInline, CaseHistoryInline]
    show_full_result_count = False


# --- the municipality's page: its policy, routing preset, trays and capacity in one place -------------


class CasePolicyInline(FunctionalAdminMixin, admin.StackedInline):
    model = CasePolicy
    can_delete = False
    fields = ("repeat_window_months", "reopen_term_months", "default_tray")
    verbose_name_plural = "meldingenbeleid"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "default_tray":
            municipality_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Tray.objects.filter(municipality_id=municipality_id, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TrayInlineForm(forms.ModelForm):
    class Meta:
        model = Tray
        fields = ("code", "name", "contact_kind", "monthly_capacity", "is_active")

    def clean_monthly_capacity(self):
        return _capacity_in_range(self.cleaned_data.get("monthly_capacity"))


class TrayInline(FunctionalAdminMixin, admin.TabularInline):
    """Capacity per tray per period; fallbacks and contact requirements on the tray's own page."""

    model = Tray
    form = TrayInlineForm
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "bakjes (capaciteit per periode; leeg = onbeperkt; terugvalbakjes op de pagina van het bakje)"


class MunicipalityRoutingForm(MunicipalityAdmin.form):
    routing_preset = forms.ChoiceField(
        label="voorinstelling routering installeren", required=False,
        choices=[("", "— niet wijzigen —"), *((key, preset.title) for key, preset in sorted(PRESETS.items()))],
        help_text="Installeert de bakjes en regels van de voorinstelling en vervangt de huidige regels en "
                  "aanvullingen (bakjes met meldingen blijven bestaan).",
    )

    def clean_retention_months(self):
        """Not shorter than the stored case policy's terms (or the defaults without one): the repeat
        rule and reopening need what the purge would destroy (ADR 0011)."""
        months = self.cleaned_data.get("retention_months")
        policy = (CasePolicy.objects.filter(municipality_id=self.instance.pk).first() if self.instance.pk else None)
        too_short = retention_too_short(policy or CasePolicy(), months)
        if too_short:
            terms = " en ".join(
                f"{label} ({getattr(policy or CasePolicy(), name)} maanden)"
                for name, label in (("repeat_window_months", "de termijn herhaalde melding"),
                                    ("reopen_term_months", "de termijn heropenen")) if name in too_short)
            raise forms.ValidationError(
                f"De bewaartermijn kan niet korter zijn dan {terms} in het meldingenbeleid: die lezen signalen en "
                "meldingen die dan al vernietigd zijn. Verkort eerst die termijn(en) en sla op, of kies een "
                "langere bewaartermijn.")
        return months


class MunicipalityWithRoutingAdmin(MunicipalityAdmin):
    """accounts' municipality page plus what the cases app configures per municipality."""

    form = MunicipalityRoutingForm
    inlines = [CasePolicyInline, TrayInline]
    fieldsets = (*MunicipalityAdmin.fieldsets, ("Routering (afwegingskader)", {"fields": ("routing_preset",)}))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not is_functional_admin(request.user):  # the installation administrator: not its call
            return fieldsets[:-1]
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None or not is_functional_admin(request.user):
            return type(form.__name__, (form,), {"routing_preset": None})  # not in the form at all
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        key = form.cleaned_data.get("routing_preset")
        if key and is_functional_admin(request.user):
            result = routing_preset_install(municipality=form.instance, preset=key)
            self.message_user(request, f"Voorinstelling {result.preset.title} geïnstalleerd: {result.trays} bakjes, "
                                       f"{result.rules} regels.", messages.SUCCESS)


admin.site.unregister(Municipality)
admin.site.register(Municipality, MunicipalityWithRoutingAdmin)
