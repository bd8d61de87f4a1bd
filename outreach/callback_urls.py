"""The gateway's callbacks (no session: a bearer token), included at the site root."""
from django.urls import path

from . import callbacks

app_name = "outreach_callbacks"

urlpatterns = [
    path("koppelingen/notify/afleverstatus", callbacks.delivery_status, name="notify_delivery_status"),
]
