"""django-two-factor-auth's screens under Dutch paths, in its own namespace ``two_factor`` (its views and
templates reverse these names). Not routed: its own login (ours is /inloggen) and "disable" (the second
factor is mandatory; a lost phone: an administrator removes the device, the user sets up a new one)."""
from django.urls import path
from two_factor import views

app_name = "two_factor"

urlpatterns = [
    path("tweestapsverificatie", views.ProfileView.as_view(), name="profile"),
    path("tweestapsverificatie/instellen", views.SetupView.as_view(), name="setup"),
    path("tweestapsverificatie/qr-code", views.QRGeneratorView.as_view(), name="qr"),
    path("tweestapsverificatie/ingesteld", views.SetupCompleteView.as_view(), name="setup_complete"),
    path("tweestapsverificatie/herstelcodes", views.BackupTokensView.as_view(), name="backup_tokens"),
]
