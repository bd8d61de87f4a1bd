"""Password policy (issue 11 D15, NCSC): at least 12 characters, not common, not like the user's own data,
not a municipality's name, the application's name or a season with digits; Dutch messages; every user
changes their own password at /wachtwoord-wijzigen."""
from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from tests.auth import login
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db

# Accepted before issue 11 (security review, test 4e).
REVIEW_WEAK = ["Culemborg", "Zomer2026", "demo-vroeg-2026"]
GUESSABLE_WORDS = ["Culemborg", "culemborg", "CULEMBORG", "Zomer", "Winter", "Vroegsignalering", "vroeg",
                   "demo", "Welkom", "Wachtwoord", "Gemeente", "Proefdorp", "Augustus", "Maandag"]
LEET = str.maketrans({"o": "0", "e": "3", "a": "4", "i": "1", "s": "$"})


@pytest.fixture
def culemborg(db):
    MunicipalityFactory(cbs_code="0100", name="Proefdorp")
    return MunicipalityFactory(cbs_code="0216", name="Culemborg")


@pytest.fixture
def user(culemborg):
    return UserFactory(username="fbakker", first_name="Fatima", last_name="Bakker", email="f.bakker@culemborg.nl",
                       municipalities=[culemborg])


def refused(password, user) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize("password", REVIEW_WEAK)
def test_the_weak_passwords_of_the_review_are_refused(password, user):
    assert refused(password, user)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(GUESSABLE_WORDS), min_size=1, max_size=2),
       year=st.integers(1950, 2035), tail=st.sampled_from(["", "!", "!!", "#1", "?", "123", "01"]),
       joint=st.sampled_from(["", "-", ".", "_", " "]), leet=st.booleans())
def test_guessable_words_with_years_and_signs_are_refused(user, words, year, tail, joint, leet):
    password = joint.join([*words, str(year)]) + tail
    if leet:
        password = password.translate(LEET)
    assert refused(password, user), password


@pytest.mark.parametrize("password", ["fbakker2026!!", "Fatima.Bakker.1980", "f.bakker@culemborg.nl"])
def test_passwords_like_the_users_own_data_are_refused(password, user):
    assert refused(password, user)


@pytest.mark.parametrize("password", ["kort-1A!", "Elf-tekens1"])
def test_short_passwords_are_refused_in_dutch(password, user):
    assert any("te kort" in message and "12" in message for message in refused(password, user))


def test_the_context_message_is_dutch(user):
    assert any("te makkelijk te raden" in message for message in refused("Zomer-Culemborg-2026", user))


@pytest.mark.parametrize("password", ["paarse koffiekan op de dijk", "Tandpasta-Vliegtuig-Regenjas", "kx9#Lm2$vQ8!zR"])
def test_good_passphrases_pass(password, user):
    assert refused(password, user) == []


def test_every_user_changes_their_own_password(client, user):
    login(client, user)
    page = client.get("/wachtwoord-wijzigen")
    assert page.status_code == 200 and "Huidig wachtwoord" in page.text
    response = client.post("/wachtwoord-wijzigen", {"old_password": "geheim-wachtwoord-42",
                                                    "new_password1": "Zomer2026", "new_password2": "Zomer2026"})
    assert response.status_code == 200 and "te kort" in response.text
    user.refresh_from_db()
    assert user.check_password("geheim-wachtwoord-42")
    new = "paarse koffiekan op de dijk"
    response = client.post("/wachtwoord-wijzigen", {"old_password": "geheim-wachtwoord-42",
                                                    "new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == "/wachtwoord-gewijzigd"
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.get("/werkvoorraad").status_code == 200  # still signed in, with the second factor


@pytest.mark.parametrize("role", [Role.VASTELASTENPARTNER, Role.AUDITOR, Role.INSTALLATIEBEHEERDER])
def test_the_password_page_is_there_for_every_role(client, role, culemborg):
    extra = {"creditor": CreditorFactory()} if role == Role.VASTELASTENPARTNER else {}
    login(client, UserFactory(role=role, **extra))
    assert client.get("/wachtwoord-wijzigen").status_code == 200
