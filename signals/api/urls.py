from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.permissions import AllowAny

from . import views

urlpatterns = [
    path("leveringen", views.LeveringenView.as_view(), name="api-leveringen"),
    path("leveringen/<uuid:leveringId>", views.LeveringDetailView.as_view(), name="api-levering"),
    path("signalen", views.SignalenView.as_view(), name="api-signalen"),
    path("signalen/<path:signaalId>", views.SignaalDetailView.as_view(), name="api-signaal"),
    path(
        "openapi.json",
        SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny],
                                       throttle_classes=[]),
        name="api-openapi",
    ),
]
