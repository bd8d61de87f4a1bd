"""The BRP check: Haal Centraal BRP Personen Bevragen v2 (ADR 0003).

- :mod:`.client` — ``BrpClient``, ``client_from_settings()``, ``shared_client()`` and the errors
  ``BrpUnavailable`` (try again later) and ``BrpRequestError`` (do not retry).
- :mod:`.decide` — ``check_person(client, …, today) -> BrpDecision`` with ``BrpOutcome``.
- :mod:`.suggest` — ``rank(candidates, …)``: suggestions for the fallout reviewer.
- :mod:`.fake` — ``FakeBrpServer``: a fake BRP on loopback (tests, ``manage.py run_fake_brp``).
- :mod:`.records`, :mod:`.population`, :mod:`.fieldpaths` — reading answers, the fake's persons,
  the spec's ``fields`` paths.
"""
