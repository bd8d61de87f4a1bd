"""The BRP check: Haal Centraal BRP Personen Bevragen v2 (ADR 0003).

- :mod:`.client` — ``BrpClient`` (the queries), ``client_from_settings()``, ``shared_client()`` and the
  errors ``BrpUnavailable`` (try again later) and ``BrpRequestError`` (do not retry), re-exported from
  :mod:`.errors`; posting, authentication and retries are :mod:`.session`.
- :mod:`.decide` — ``check_person(client, …, today) -> BrpDecision`` with ``BrpOutcome``; the
  steps of the check. :mod:`.matching` compares names, birth dates and dwellings; :mod:`.decision`
  holds the outcome and its evidence.
- :mod:`.suggest` — ``rank(candidates, …)``: suggestions for the fallout reviewer.
- :mod:`.records` — reading answers.

The fake BRP (tests, ``manage.py run_fake_brp``) is the demo's: :mod:`demo.brp_fake`.
"""
