"""``/api/docs``: the OpenAPI description rendered as a plain page (no script, nothing remote).

FastAPI's own Swagger UI loads its code from a CDN; this page reads the same OpenAPI document
(``app.openapi()``) and shows every operation, parameter and schema as HTML.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kimed.web.deps import RenderDep

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")


def type_of(schema: dict) -> str:
    """A short human form of a JSON Schema type: ``list[string]``, ``DatasetSummary | null``."""
    if not schema:
        return "any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return " | ".join(type_of(s) for s in schema[key])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list[{type_of(schema.get('items', {}))}]"
    if kind == "object" and "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        return f"map[string, {type_of(extra) if isinstance(extra, dict) else 'any'}]"
    return str(kind)


def operations(spec: dict) -> list[dict]:
    out = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "type": type_of(p.get("schema", {})),
                       "description": p.get("description") or p.get("schema", {}).get(
                           "description", "")} for p in op.get("parameters", [])]
            responses = []
            for code, resp in op.get("responses", {}).items():
                content = resp.get("content", {})
                media = next(iter(content), "")
                schema = content.get(media, {}).get("schema", {}) if media else {}
                responses.append({"code": code, "description": resp.get("description", ""),
                                  "media": ", ".join(content), "type": type_of(schema)
                                  if schema else ""})
            out.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "params": params,
                        "responses": responses, "anchor": op.get("operationId", path)})
    return out


def schemas(spec: dict) -> list[dict]:
    out = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = [{"name": key, "type": type_of(value), "required": key in required,
                   "description": value.get("description", "")}
                  for key, value in schema.get("properties", {}).items()]
        out.append({"name": name, "description": schema.get("description", ""),
                    "fields": fields})
    return out


@router.get("/docs", response_class=HTMLResponse, name="api_docs")
def api_docs(request: Request, render: RenderDep) -> HTMLResponse:
    spec = request.app.openapi()
    return render("api_docs.html", {"spec": spec, "operations": operations(spec),
                                    "schemas": schemas(spec)})
