"""OpenAPI for the exchange API: every operation also documents the errors it can answer, so a client generated
from /api/schema/ knows them (400 bad input, 401 no or revoked key, 403 missing scope, 404 unknown id)."""

from drf_spectacular.openapi import AutoSchema

ERROR_BODY = {
    "application/json": {
        "schema": {
            "type": "object",
            "description": "`detail` for a refusal; for bad input, the reasons per field name.",
            "properties": {"detail": {"type": "string"}},
            "additionalProperties": True,
        }
    }
}


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {
            "401": "No API key, or an unknown or revoked one.",
            "403": "The API key lacks the scope this endpoint needs.",
        }
        if self.method in ("POST", "PUT", "PATCH") or self._has_filters():
            errors["400"] = "Bad input; nothing was written."
        if "{" in self.path:
            errors["404"] = "No such object."
        for code, description in errors.items():
            responses.setdefault(code, {"description": description, "content": ERROR_BODY})
        return responses

    def _has_filters(self) -> bool:
        # A GET with query parameters (such as updated_since) can be refused as bad input.
        return self.method == "GET" and bool(getattr(self.view, "query_filters", False))
