"""OpenAPI for the exchange API, as exact as the API itself: every operation documents the errors it can answer
(so a client generated from /api/schema/ knows them), and every request string carries the pattern the API holds it
to (tickets.api_input.rule_for: the same rule checks the request and writes the schema)."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from tickets.api_input import PATH_SCHEMAS, rule_for

ERROR_BODY = {
    "application/json": {
        "schema": {
            "type": "object",
            "description": "A refusal: `detail` says why (with a short `error` code when the request could not be "
            "read at all). Bad input lists the reasons per field instead: "
            '`{"status": ["use one of new, open, pending, solved, closed"]}`.',
            "properties": {"detail": {"type": "string"}, "error": {"type": "string"}},
            "additionalProperties": True,
        }
    }
}
WRITES = ("POST", "PUT", "PATCH")
ALWAYS = {
    "400": "Bad input, named per field or in `detail` (the body, a filter, a page bound, or text that cannot be "
    "read, such as a NUL character, anywhere in the request); nothing was written.",
    "401": "No API key, or an unknown or revoked one.",
    "403": "The API key lacks the scope this endpoint needs.",
}


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(ALWAYS)
        if "{" in self.path:
            errors["404"] = "No such object."
        if self.method in WRITES and self._get_request_body() is not None:
            errors["415"] = "The body is not JSON (send Content-Type: application/json)."
        errors.update(getattr(self.view, "refusals", {}).get(self.method, {}))
        for code, description in errors.items():
            responses.setdefault(code, {"description": description, "content": ERROR_BODY})
        return responses

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["name"] in PATH_SCHEMAS:
                parameter["schema"] = dict(PATH_SCHEMAS[parameter["name"]])
            elif parameter["schema"].get("type") == "integer":
                parameter["schema"]["minimum"] = 1  # ids start at 1; 0 and -1 answer 404 (JSON, as always here)
        return parameters

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request":
            schema["additionalProperties"] = False  # tickets.api_input refuses fields it does not list
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request" or field.read_only:
            return schema
        rule = rule_for(field)
        if rule is not None and "$ref" not in schema:
            schema["pattern"] = rule.pattern
        if isinstance(field, serializers.ListSerializer | serializers.ListField):
            if not getattr(field, "allow_empty", True):
                schema["minItems"] = max(1, schema.get("minItems", 0))
            if getattr(field, "max_length", None) is not None:
                schema["maxItems"] = field.max_length
        return schema
