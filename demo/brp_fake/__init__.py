"""A fake BRP Personen Bevragen v2 on loopback, for tests and the demo (``manage.py run_fake_brp``).

- :mod:`.server` — ``FakeBrpServer``: the HTTP server, its authentication, faults and counters.
- :mod:`.queries` — validating, searching and answering a query as the spec describes.
- :mod:`.persons` — ``PersonStore``: the official mock's test persons and the demo population, with
  demo BSNs that fail the elfproef.
- :mod:`.v2` — the v2 response format (mock persons converted, dates, leeftijd, adressering).
- :mod:`.fieldpaths` — the spec's ``fields`` paths.
"""
