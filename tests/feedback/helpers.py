"""The feedback tests' clock (their cases are opened at the May period close: tests.factories.open_case)."""

from tests.factories import aware

OPENED = aware(2026, 6, 1, 6)  # period close of May: the window runs 1 … 28 June
NOW = aware(2026, 6, 10, 12)
DAY_28 = aware(2026, 6, 29, 0, 0)
