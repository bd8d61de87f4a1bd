"""One component name, one pydantic model: the OpenAPI document names schemas after their models, so two models
with one name (the municipal API's `Klant` shadowed the creditor API's request `Klant`, which then lost its
`additionalProperties: false` and lengths) must stop generation instead of sharing one schema."""
import pytest
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from pydantic import BaseModel, ConfigDict, create_model
from rest_framework.views import APIView


def _model(name: str, **fields) -> type[BaseModel]:
    return create_model(name, __config__=ConfigDict(extra="forbid"), **{k: (v, ...) for k, v in fields.items()})


def _view(request_model, response_model=None):
    response_model = response_model or request_model

    class View(APIView):
        @extend_schema(operation_id=f"op{id(request_model)}", request=request_model, responses={200: response_model})
        def post(self, request):  # pragma: no cover - only described
            raise NotImplementedError

    return View


def _document(*views):
    patterns = [path(f"p{i}", view.as_view()) for i, view in enumerate(views)]
    return SchemaGenerator(patterns=patterns).get_schema(public=True)


def _wrap(name: str, inner: type[BaseModel]) -> type[BaseModel]:
    return _model(name, klant=inner)


@pytest.mark.parametrize("layout", ["top-level twice", "nested twice", "nested, top-level", "top-level, nested"])
def test_two_models_with_one_name_stop_generation(layout):
    first, second = _model("Klant", naam=str), _model("Klant", bedrijf=int)
    views = {
        "top-level twice": [_view(first), _view(second)],
        "nested twice": [_view(_wrap("A", first)), _view(_wrap("B", second))],
        "nested, top-level": [_view(_wrap("A", first)), _view(second)],
        "top-level, nested": [_view(first), _view(_wrap("B", second))],
    }[layout]
    with pytest.raises(ValueError, match="'Klant'"):
        _document(*views)


def test_one_model_used_everywhere_is_one_component():
    klant = _model("Klant", naam=str)
    document = _document(_view(klant), _view(_wrap("A", klant), _wrap("B", klant)))
    assert document["components"]["schemas"]["Klant"]["additionalProperties"] is False
    assert document["components"]["schemas"]["A"]["properties"]["klant"] == {"$ref": "#/components/schemas/Klant"}
