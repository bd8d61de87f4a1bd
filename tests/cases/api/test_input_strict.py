"""Review D17 (municipal API): a legally relevant yes/no is JSON true or false, nothing that pydantic would
coerce (0, 1, "true", "yes", "ja", 0.0); and a body over the upload limit is a 413, as documented."""
import json

import pytest

from cases.models import Case
from tests.cases.api import API
from tests.cases.api.test_actions import attempt, snapshot
from vroegsignalering.common.vocab import Outcome

LAX_BOOLEANS = [0, 1, "true", "false", "True", "yes", "no", "ja", "1", "0", "on", "off", 0.0, 1.0, "t", "f"]


@pytest.mark.parametrize("value", LAX_BOOLEANS, ids=repr)
def test_consent_for_geen_hulp_gewenst_is_true_or_false_only(service_api, case, value):
    attempt(service_api, case, soortContact="Telefoon", bereikt="ja")
    before = snapshot(case)
    response = service_api.post(f"{API}/meldingen/{case.pk}/afsluiting", {
        "eindresultaat": Outcome.GEEN_HULP_GEWENST, "redenGeenHulp": "Regelt het zelf",
        "toestemmingGeenHulpGewenst": value}, format="json")
    assert response.status_code == 400, response.content
    assert [(p["name"], p["reason"]) for p in response.json()["invalidParams"]] == [
        ("toestemmingGeenHulpGewenst", "Geef true of false.")]
    assert snapshot(case) == before and Case.objects.get(pk=case.pk).feedback_consent_by is None


@pytest.mark.parametrize(("path", "field"), [("/afsluiting", "toelichting"), ("/heropening", "reden"),
                                              ("/contactpogingen", "notitie")])
def test_a_body_over_the_upload_limit_is_413(api, case, settings, path, field):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = api.post(f"{API}/meldingen/{case.pk}{path}", json.dumps({field: "x" * 20_000}),
                        content_type="application/json")
    assert response.status_code == 413, response.content
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("value", ["1", "0", "yes", "ja", "True", "FALSE", "on", ""])
def test_the_crisis_filter_is_true_or_false_only(api, value):
    response = api.get(f"{API}/meldingen", {"crisis": value})
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["crisis"]
    for fine in ("true", "false"):
        assert api.get(f"{API}/meldingen", {"crisis": fine}).status_code == 200


def test_200000_unknown_fields_get_a_small_400(api, case):
    body = {"reden": "Alsnog hulp"} | {f"onbekend{n}": n for n in range(200_000)}
    response = api.post(f"{API}/meldingen/{case.pk}/heropening", json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and len(response.content) < 10_000
    params = response.json()["invalidParams"]
    assert len(params) == 20 and params[-1]["code"] == "too_many_errors"
    assert params[-1]["reason"] == "En nog 199.981 fouten; die worden niet afzonderlijk genoemd."
