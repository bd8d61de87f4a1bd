"""The letters' screens (issue 13): the text editor for every channel and the print batches."""
from django.urls import path

from . import batch_views, letter_views

# Included by outreach/urls.py under "benadering/", in its namespace "outreach".
urlpatterns = [
    path("teksten/", letter_views.texts, name="texts"),
    path("teksten/standaard/", letter_views.texts_defaults, name="texts_defaults"),
    path("teksten/<int:template_id>/", letter_views.text_edit, name="text_edit"),
    path("teksten/<int:template_id>/voorbeeld/", letter_views.text_preview, name="text_preview"),
    path("teksten/<int:template_id>/voorbeeld.pdf", letter_views.text_preview_pdf, name="text_preview_pdf"),
    path("printbatches/", batch_views.batches, name="batches"),
    path("printbatches/starten/", batch_views.batch_start, name="batch_start"),
    path("printbatches/<int:batch_id>/", batch_views.batch_detail, name="batch_detail"),
    path("printbatches/<int:batch_id>/status/", batch_views.batch_status, name="batch_status"),
    path("printbatches/<int:batch_id>/pdf/", batch_views.batch_pdf, name="batch_pdf"),
    path("printbatches/<int:batch_id>/afgeven/", batch_views.batch_hand_over, name="batch_hand_over"),
]
