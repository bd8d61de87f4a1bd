"""The OpenAPI document describes the municipal API: its paths under the tag Gemeente, the token scheme, and
the role rules in the descriptions."""
import pytest
from rest_framework.test import APIClient

PATHS = {
    "/gemeente/meldingen": {"get"},
    "/gemeente/meldingen/{meldingId}": {"get"},
    "/gemeente/meldingen/{meldingId}/contactpogingen": {"post"},
    "/gemeente/meldingen/{meldingId}/contactpogingen/{contactpogingId}": {"get"},
    "/gemeente/meldingen/{meldingId}/contactpogingen/{contactpogingId}/reactie": {"post"},
    "/gemeente/meldingen/{meldingId}/afsluiting": {"post"},
    "/gemeente/meldingen/{meldingId}/heropening": {"post"},
    "/gemeente/meldingen/{meldingId}/toewijzing": {"put"},
    "/gemeente/bakjes": {"get"},
}


@pytest.fixture
def document(db):
    response = APIClient().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_municipal_endpoint_is_documented_under_gemeente(document):
    for path, methods in PATHS.items():
        assert set(document["paths"][path]) == methods, path
        for method in methods:
            operation = document["paths"][path][method]
            assert operation["tags"] == ["Gemeente"]
            assert operation["security"] == [{"gemeenteToken": []}]
            assert "application/problem+json" in operation["responses"]["401"]["content"]
            [success] = [code for code in operation["responses"] if code.startswith("2")]
            assert "API-Version" in operation["responses"][success]["headers"]
    [tag] = [tag for tag in document["tags"] if tag["name"] == "Gemeente"]
    assert "Authorization: Token" in tag["description"]


def test_the_token_scheme_and_the_assignment_rule_are_described(document):
    scheme = document["components"]["securitySchemes"]["gemeenteToken"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}
    assert "Token <token>" in scheme["description"]
    assign = document["paths"]["/gemeente/meldingen/{meldingId}/toewijzing"]["put"]
    assert "Alleen een teamleider" in assign["description"] and "serviceaccount" in assign["description"]
    listing = document["paths"]["/gemeente/meldingen"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {
        "pagina", "limiet", "status", "bakje", "gemeentecode", "toegewezenAan", "crisis", "termijnVoor"}
    assert document["paths"]["/gemeente/meldingen/{meldingId}/afsluiting"]["post"]["requestBody"]["content"][
        "application/json"]["schema"] == {"$ref": "#/components/schemas/AfsluitingNieuw"}
