"""Password policy (NCSC, ASVS 2.1; issue 11 D15): besides Django's validators (length, the common-password
list, similarity to the user's own data, all digits), a password may not be made of the words a guesser tries
first here: the municipalities' names, the application's name, seasons, months, "welkom", "wachtwoord"…,
padded with digits, years and punctuation (``Culemborg2026!``, ``Zomer2026``, ``demo-vroeg-2026``)."""
from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

from .models import Municipality

# Words an attacker tries first against a Dutch municipality's application (lower case, no accents).
CONTEXT_WORDS = (
    "vroegsignalering", "vroegsignaal", "signalering", "signaal", "vroeg", "gemeente", "demo", "test",
    "welkom", "wachtwoord", "password", "geheim", "admin", "beheer", "beheerder", "gebruiker", "medewerker",
    "teamleider", "schuld", "schulden", "schuldhulp", "hulp", "zomer", "winter", "lente", "herfst",
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
    "november", "december", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
    "nederland", "holland", "amsterdam", "rotterdam", "utrecht", "qwerty", "azerty", "letmein",
)
# What people write instead of a letter.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a",
                       "$": "s", "!": "i", "|": "i", "+": "t", "€": "e"})
# Left after taking the words, digits and punctuation away: fewer letters than this is a guessable password.
MIN_OWN_LETTERS = 6


def _plain(text: str) -> str:
    """Lower case, no accents."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _words_of(text: str) -> set[str]:
    plain = _plain(text or "")
    parts = {part for part in re.split(r"[^a-z]+", plain) if len(part) >= 3}
    joined = re.sub(r"[^a-z]", "", plain)
    return parts | ({joined} if len(joined) >= 3 else set())


def context_words(user=None) -> list[str]:
    """The words of this context (longest first): the fixed list, every municipality's name and the user's own
    username, names and e-mail address."""
    words = set(CONTEXT_WORDS)
    for name in Municipality.objects.values_list("name", flat=True):
        words |= _words_of(name)
    if user is not None:
        for attribute in ("username", "first_name", "last_name", "email"):
            words |= _words_of(getattr(user, attribute, "") or "")
    return sorted(words, key=len, reverse=True)


def own_letters(password: str, words: list[str]) -> str:
    """The letters of ``password`` that are not part of a context word, read literally or as leetspeak
    (``Cul3mb0rg``); digits and signs never count as own letters."""
    plain = _plain(password)
    best = None
    for reading in (plain, plain.translate(_LEET)):
        covered = [False] * len(reading)
        for word in words:
            start = reading.find(word)
            while start != -1:
                if not any(covered[start:start + len(word)]):
                    covered[start:start + len(word)] = [True] * len(word)
                start = reading.find(word, start + 1)
        letters = "".join(char for char, taken in zip(plain, covered, strict=True)
                          if not taken and "a" <= char <= "z")
        best = letters if best is None or len(letters) < len(best) else best
    return best or ""


class ContextWordsValidator:
    """Refuses a password that is, apart from digits and punctuation, only known words of this context."""

    def __init__(self, min_own_letters: int = MIN_OWN_LETTERS):
        self.min_own_letters = min_own_letters

    def validate(self, password, user=None):
        if len(own_letters(password, context_words(user))) < self.min_own_letters:
            raise ValidationError(
                "Dit wachtwoord is te makkelijk te raden: het bestaat vooral uit bekende woorden (zoals een "
                "gemeentenaam, een seizoen of de naam van deze toepassing) met cijfers of tekens. Kies een "
                "zin van een paar woorden die niemand met u verbindt.",
                code="password_context_words",
            )

    def get_help_text(self):
        return ("Uw wachtwoord mag niet vooral bestaan uit een gemeentenaam, een seizoen, een maand of de naam "
                "van deze toepassing met cijfers of tekens.")
