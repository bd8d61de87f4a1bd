"""The demo: synthetic data, the demo generator and the fake BRP. The product never imports it.

- :mod:`.people`, :mod:`.communities`, :mod:`.population`: the synthetic residents and households
  (nothing here is real personal data).
- :mod:`.calibration`, :mod:`.generator`, :mod:`.notations`: a month of signals calibrated to Divosa 2024,
  written down as creditors do.
- :mod:`.deliveries`: delivering a month through the ordinary intake.
- :mod:`.brp_fake`: the fake BRP Personen Bevragen v2 (tests, ``manage.py run_fake_brp``).
- Commands: ``seed_demo``, ``generate_demo_month``, ``run_fake_brp``, ``run_demo`` (``make run``),
  ``demo_rapport``.
"""
