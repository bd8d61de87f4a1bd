"""Every export of personal data asks for a recent sign-in (issue 11 item 2): the class, from the URLconf.

An export is a URL pattern that answers a file (``….csv``, ``….json``, ``….pdf``), a printable list
(``…afdrukken``) or is named an export (``ddas:export``: the DDAS delivery, a form that answers the file);
the blank example CSV of the import holds no personal data. A new export that is not in
``REAUTH_URL_NAMES`` fails here.
"""
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

# the import's blank example file; the monitor's figures (anonymised counts from the statistics store, issue 12)
# The text editor's PDF proof is the fictitious resident of outreach.texts.sample_values (issue 13).
NO_PERSONAL_DATA = {"csv_import_example", "monitor:export_csv", "monitor:export_excel", "outreach:text_preview_pdf"}


def _named_routes(resolver: URLResolver = None, prefix: str = "", namespace: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), namespace + entry.name


def test_every_export_needs_a_recent_sign_in():
    exports = {name for route, name in _named_routes()
               if not route.startswith("api/")
               and (route.endswith((".csv", ".json", ".pdf", "afdrukken")) or "export" in name.split(":")[-1])}
    assert {"csv_import_results_csv", "team:visits_print", "audit:export", "privacy:inzage_json",
            "privacy:inzage_pdf", "ddas:export"} <= exports  # the walk finds them
    assert exports - NO_PERSONAL_DATA - set(settings.REAUTH_URL_NAMES) == set()
