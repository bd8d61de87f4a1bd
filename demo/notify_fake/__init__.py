"""A fake Notify (NotifyNL / GOV.UK Notify v2 API) on loopback, for tests, ``make run`` and the bench
(``manage.py run_fake_notify``). Never imported by the product.

- :mod:`.server` — ``FakeNotifyServer``: the HTTP server, its faults, counters and delivery callbacks.
- :mod:`.schema` — the request schemas, the JWT check and the error bodies the real API uses.
"""
