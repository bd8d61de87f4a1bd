from django.urls import path

from . import fallout_views, views

urlpatterns = [
    path("signalen/importeren", views.csv_import_upload, name="csv_import"),
    path("signalen/importeren/voorbeeld.csv", views.csv_import_example, name="csv_import_example"),
    path("signalen/importeren/<uuid:import_id>", views.csv_import_detail, name="csv_import_detail"),
    path("signalen/importeren/<uuid:import_id>/status", views.csv_import_status, name="csv_import_status"),
    path(
        "signalen/importeren/<uuid:import_id>/resultaten.csv",
        views.csv_import_results_csv,
        name="csv_import_results_csv",
    ),
]

urlpatterns += [
    path("uitval", fallout_views.fallout_list, name="fallout_list"),
    path("uitval/<int:signal_pk>", fallout_views.fallout_detail, name="fallout_detail"),
]
