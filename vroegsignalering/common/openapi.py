"""OpenAPI generation: pydantic models as schemas (OpenAPI 3.0 style) and the ADR conventions.

drf-spectacular builds the document from the views; the hook below adds what the Dutch API
Design Rules ask of every operation: the `API-Version` header on every 2xx/3xx answer and a
problem+json 400 on every operation that takes input. The document is served by
:class:`OpenApiDocumentView`, which generates it once per process.
"""
import threading

from drf_spectacular.drainage import set_override
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.views import SpectacularJSONAPIView
from pydantic.json_schema import GenerateJsonSchema, model_json_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

API_VERSION_HEADER = {
    "API-Version": {
        "description": "De volledige versie van de API.",
        "schema": {"type": "string", "example": "1.0.0"},
    }
}
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Na hoeveel seconden een nieuw verzoek weer kan.",
        "schema": {"type": "integer", "example": 30},
    }
}


class OpenApi30JsonSchema(GenerateJsonSchema):
    """pydantic's JSON Schema, with `nullable` instead of a null type (OpenAPI 3.0)."""

    def nullable_schema(self, schema):
        inner = self.generate_inner(schema["schema"])
        if "$ref" in inner:
            return {"allOf": [inner], "nullable": True}
        return {**inner, "nullable": True}

    def default_schema(self, schema):
        result = super().default_schema(schema)
        if result.get("default", 0) is None:
            result.pop("default")
        return result


def _openapi30(node):
    """Fix the few 2020-12 JSON Schema constructs that OpenAPI 3.0 does not know."""
    if isinstance(node, dict):
        if "const" in node:
            node["enum"] = [node.pop("const")]
        if "anyOf" in node:
            options = [o for o in node["anyOf"] if o != {"type": "null"}]
            if len(options) < len(node["anyOf"]):
                node["nullable"] = True
                if len(options) == 1:
                    node.pop("anyOf")
                    node.update(options[0])
                else:
                    node["anyOf"] = options
        if node.get("nullable") and "enum" in node and None not in node["enum"]:
            # OpenAPI 3.0: `nullable` does not extend an `enum`; null must be one of its values.
            node["enum"] = [*node["enum"], None]
        for value in list(node.values()):
            _openapi30(value)
    elif isinstance(node, list):
        for value in node:
            _openapi30(value)
    return node


class PydanticModelExtension(OpenApiSerializerExtension):
    target_class = "pydantic.BaseModel"
    match_subclasses = True
    priority = 1  # above drf-spectacular's own pydantic support

    def get_name(self, auto_schema, direction):
        # Nested models are registered by name from pydantic's $defs; same name, same schema.
        set_override(self.target, "suppress_collision_warning", True)
        name = self.target.__name__
        component = _component(name)
        if component in auto_schema.registry:  # then drf-spectacular reuses that component for this model
            existing = auto_schema.registry[component]
            if existing.object is not self.target and (
                    isinstance(existing.object, type) or existing.schema != _model_schema(self.target, direction)[0]):
                raise ValueError(_COLLISION.format(name=name))
        return name

    def map_serializer(self, auto_schema, direction):
        schema, definitions = _model_schema(self.target, direction)
        for name, sub_schema in definitions.items():
            _register(auto_schema.registry, name, sub_schema)
        _refuse_collision(auto_schema.registry, self.target.__name__, schema, model=self.target)
        return schema


_COLLISION = "Two different pydantic models are both named {name!r} in the OpenAPI document; rename one of them."


def _model_schema(model, direction) -> tuple[dict, dict]:
    """The model's schema and those of the models it nests (by name), OpenAPI 3.0 style."""
    mode = "validation" if direction == "request" else "serialization"
    schema = model_json_schema(model, ref_template="#/components/schemas/{model}", mode=mode,
                               schema_generator=OpenApi30JsonSchema)
    definitions = {name: _openapi30(sub) for name, sub in schema.pop("$defs", {}).items()}
    return _openapi30(schema), definitions


def _component(name: str) -> ResolvedComponent:
    return ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name)


def _refuse_collision(registry, name: str, schema: dict, model=None) -> None:
    """Components are named after their pydantic model; two different models with one name (a request's
    `Klant` and a response's `Klant`) would silently share one schema, so the document would be wrong."""
    component = _component(name)
    if component not in registry:
        return
    existing = registry[component]
    if existing.object is not model and existing.schema != schema:
        raise ValueError(_COLLISION.format(name=name))


def _register(registry, name: str, schema: dict) -> None:
    _refuse_collision(registry, name, schema)
    component = _component(name)
    component.schema = schema
    registry.register_on_missing(component)


def postprocess(result, generator, request, public):
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if str(code)[0] in "23":
                    response.setdefault("headers", {}).update(API_VERSION_HEADER)
                if str(code) == "429":
                    response.setdefault("headers", {}).update(RETRY_AFTER_HEADER)
    result["security"] = [{"apiKey": []}]
    return result


class OpenApiDocumentView(SpectacularJSONAPIView):
    """`GET /api/v1/openapi.json` (no key needed): the document, generated once per process and then served as is.

    drf-spectacular's generation is not thread-safe: it loads its extension classes lazily, in place, on first use
    (``OpenApiGeneratorExtension._load_class``), and keeps global statistics (``GENERATOR_STATS``, drf-spectacular
    issue #1368). In a fresh threaded worker (gunicorn's gthread) concurrent first requests for the document raced
    in that loading and some answered 500. So one thread generates the document under a lock while the others
    wait for it, and every later request gets that same document. It depends on nothing in the request.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    _lock = threading.Lock()
    _document: dict | None = None

    def _get_schema_response(self, request):
        return Response(self.document(request),
                        headers={"Content-Disposition": 'inline; filename="openapi.json"'})

    @classmethod
    def document(cls, request=None) -> dict:
        if cls._document is None:
            with cls._lock:
                if cls._document is None:
                    generator = cls.generator_class(urlconf=cls.urlconf, api_version=cls.api_version,
                                                    patterns=cls.patterns)
                    cls._document = generator.get_schema(request=request, public=cls.serve_public)
        return cls._document
