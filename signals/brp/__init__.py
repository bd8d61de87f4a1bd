"""The BRP check: Haal Centraal BRP Personen Bevragen v2 (ADR 0003).

- :mod:`.client` — ``BrpClient``, ``client_from_settings()``, ``shared_client()`` and the errors
  ``BrpUnavailable`` (try again later) and ``BrpRequestError`` (do not retry).
- :mod:`.decide` — ``check_person(client, …, today) -> BrpDecision`` with ``BrpOutcome``.
- :mod:`.suggest` — ``rank(candidates, …)``: suggestions for the fallout reviewer.
- :mod:`.records` — reading answers.

The fake BRP (tests, ``manage.py run_fake_brp``) is the demo's: :mod:`demo.brp_fake`.
"""
