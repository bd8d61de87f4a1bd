"""Functional administrators edit the afwegingskader here: trays, rules, allocations, policy.
Cases are shown read-only (they change only through the services)."""
from django.contrib import admin, messages

from vroegsignalering.common.admin import FunctionalAdminMixin, MunicipalityScopedAdminMixin, ReadOnlyAdminMixin

from .models import Case, CaseHistory, CasePolicy, CaseSignal, PeriodClose, RoutingRule, Tray, TrayAllocation
from .presets import PRESETS, routing_preset_install
from .routing import describe_conditions


@admin.register(Tray)
class TrayAdmin(FunctionalAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "municipality", "contact_kind", "monthly_capacity", "capacity_fallback",
                    "requires_contact", "missing_contact_fallback", "end_outcome", "is_active")
    list_filter = ("municipality", "is_active")
    list_editable = ("monthly_capacity",)
    search_fields = ("name", "code")
    list_select_related = ("municipality", "capacity_fallback", "missing_contact_fallback")


@admin.register(RoutingRule)
class RoutingRuleAdmin(FunctionalAdminMixin, admin.ModelAdmin):
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
class TrayAllocationAdmin(FunctionalAdminMixin, admin.ModelAdmin):
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
class CasePolicyAdmin(FunctionalAdminMixin, admin.ModelAdmin):
    list_display = ("municipality", "reopen_term_months", "repeat_window_months", "default_tray")
    actions = [_preset_action(key) for key in sorted(PRESETS)]


@admin.register(PeriodClose)
class PeriodCloseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
    readonly_fields = ("at", "event", "actor_name", "from_status", "to_status", "reason")
    exclude = ("actor",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(MunicipalityScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "municipality", "period_end", "match_type", "recidive", "is_crisis", "amount", "tray",
                    "priority", "status", "outcome", "deadline_at")
    list_filter = ("municipality", "status", "match_type", "recidive", "is_crisis", "tray")
    list_select_related = ("municipality", "tray")
    inlines = [CaseSignalInline, CaseHistoryInline]
    show_full_result_count = False
