from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q

from accounts.admin_mixins import InstallationAdminMixin, MunicipalityScopedAdminMixin, ReadOnlyAdminMixin

from . import services, webhooks
from .models import DeliveryStatus, FeedbackEvent, WebhookDelivery, WebhookEndpoint


@admin.register(FeedbackEvent)
class FeedbackEventAdmin(MunicipalityScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the outbox is written by the services, in the transaction of its cause."""

    list_display = ("issued_at", "signal", "creditor", "municipality", "code", "date", "collection_pause_until",
                    "seq")
    list_filter = ("code", "creditor")
    list_select_related = ("signal", "creditor", "municipality")
    date_hierarchy = "issued_at"
    raw_id_fields = ("signal",)


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https",
                         help_text="https://… (http alleen in een test- of ontwikkelomgeving).")

    class Meta:
        model = WebhookEndpoint
        fields = ("creditor", "url", "description", "active")

    def clean_url(self):
        url = (self.cleaned_data.get("url") or "").strip()
        error = webhooks.url_error(url)
        if error:
            raise forms.ValidationError(error)
        return url


def _show_secret(request, endpoint, secret: str) -> None:
    messages.warning(request, f"Geheim voor de webhook van {endpoint.creditor} ({endpoint.url}), wordt maar één "
                              f"keer getoond; geef het veilig door aan de vastelastenpartner: {secret}")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(InstallationAdminMixin, admin.ModelAdmin):
    """Creating an endpoint generates its secret, shown once; the action 'nieuw geheim' rotates it.
    Installation-wide (security review D4): an endpoint receives its creditor's feed of every municipality.
    The deliveries themselves name signals and outcomes (case data): a municipality's functional
    administrator sees their own under 'webhookbezorgingen'; the installation administrator sees each
    endpoint's backlog and failures here and resends what was given up with the action."""

    form = WebhookEndpointForm
    list_display = ("creditor", "url", "active", "pending", "failures", "retry_at", "created_at")
    list_filter = ("active", "creditor")
    readonly_fields = ("secret_hint", "created_at", "failures", "retry_at")
    actions = ["rotate_secret", "retry_failed"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("creditor").annotate(
            pending_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)))

    def get_readonly_fields(self, request, obj=None):
        # Another creditor would receive this one's pending items: make a new webhook instead.
        return (("creditor",) if obj else ()) + self.readonly_fields

    @admin.display(description="wachtend")
    def pending(self, obj):
        return obj.pending_count

    @admin.display(description="geheim (begin)")
    def secret_hint(self, obj):
        return obj.secret_hint

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.webhook_endpoint_update(endpoint=obj, url=data["url"], description=data.get("description", ""),
                                             active=data.get("active", True))
            return
        endpoint, secret = services.webhook_endpoint_create(
            creditor=data["creditor"], url=data["url"], description=data.get("description", ""),
            active=data.get("active", True))
        obj.pk, obj.secret, obj.created_at = endpoint.pk, endpoint.secret, endpoint.created_at
        _show_secret(request, endpoint, secret)

    @admin.action(description="Nieuw geheim genereren (het oude werkt dan niet meer)")
    def rotate_secret(self, request, queryset):
        for endpoint in queryset.select_related("creditor"):
            _show_secret(request, endpoint, services.webhook_endpoint_rotate_secret(endpoint=endpoint))

    @admin.action(description="Opgegeven bezorgingen opnieuw versturen")
    def retry_failed(self, request, queryset):
        failed = WebhookDelivery.objects.filter(endpoint__in=queryset, status=DeliveryStatus.FAILED)
        count = services.webhook_deliveries_retry(delivery_ids=failed.values_list("pk", flat=True))
        self.message_user(request, f"{count} bezorging(en) worden opnieuw verstuurd.", messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(MunicipalityScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """What went where, and why not: read-only, scoped to the administrator's municipalities."""

    municipality_lookup = "event__municipality"
    list_display = ("event_id_display", "endpoint", "seq", "status", "attempts", "next_attempt_at",
                    "last_http_status", "last_error", "delivered_at")
    list_filter = ("status", "endpoint")
    list_select_related = ("event", "endpoint__creditor")
    date_hierarchy = "created_at"
    actions = ["retry"]

    @admin.display(description="terugkoppeling (id)")
    def event_id_display(self, obj):
        return obj.event.public_id

    @admin.action(description="Opnieuw versturen (ook opgegeven bezorgingen)")
    def retry(self, request, queryset):
        count = services.webhook_deliveries_retry(delivery_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} bezorging(en) worden opnieuw verstuurd.", messages.SUCCESS)
