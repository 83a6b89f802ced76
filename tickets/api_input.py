"""How the exchange API reads its input, for every view (tickets' and pnl's): bodies and query filters are held to
exactly what /api/schema/ documents, pages are bounded, path keys are matched by length, OPTIONS works.

DRF is lenient where the schema is strict: it takes 1 for a boolean, 123 for a string, "1e3" or " 7" for a
decimal, a date-time without a zone or from the year 1. A client generated from the schema must be able to trust
that what the schema refuses is refused (400), so each value is first checked against the JSON type and the
pattern the schema documents for its field; the same function (`rule_for`) writes the pattern into the schema
(tickets.api_schema). Rules the schema cannot state are the services' (422, docs/api.md).
"""

import re
from dataclasses import dataclass

from django.http import Http404
from django.urls import register_converter
from rest_framework import exceptions, serializers
from rest_framework.metadata import SimpleMetadata
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import clone_request


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "This clashes with what the helpdesk holds."


class Unprocessable(exceptions.APIException):
    """Well-formed by the schema, but against a rule the schema cannot state (a position closed before it
    opened, the same id twice in one batch, an email no staff member has)."""

    status_code = 422
    default_detail = "The request breaks a rule of the helpdesk."


MAX_LIMIT = 200
MAX_OFFSET = 10**9

# (field classes, JSON types they take, how the error names them); the first match wins.
JSON_TYPES = [
    (serializers.BooleanField, (bool,), "true or false"),
    (serializers.IntegerField, (int, float), "an integer"),
    ((serializers.ListField, serializers.ListSerializer), (list,), "a list"),
    (serializers.Serializer, (dict,), "an object"),
    (
        (serializers.CharField, serializers.ChoiceField, serializers.DecimalField, serializers.DateTimeField),
        (str,),
        "a string",
    ),
]


@dataclass(frozen=True)
class Rule:
    pattern: str  # a JSON Schema (and Python re) pattern, written into the schema as it is
    message: str


NO_NUL = Rule(r"^[^\u0000]*$", "may not contain a NUL character")
NOT_BLANK = Rule(r"^[^\u0000]*[^\u0000\s][^\u0000]*$", "may not be blank (or contain a NUL character)")
HTTP_URL = Rule(r"^https?://[^\u0000\s]+$", "must be an http:// or https:// URL")
# RFC 3339 as Python reads it, from 1970 to 2099: no leap second, an explicit zone, ASCII digits ([0-9], not \d,
# which is any Unicode digit in Python).
DATE_TIME = Rule(
    r"^(?:19[7-9][0-9]|20[0-9][0-9])-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$",
    "use a date-time from 1970 to 2099 with its zone, like 2026-11-25T10:00:00Z",
)


class PositiveDecimal(serializers.DecimalField):
    """A decimal above zero (a price, a quantity, a rate); its pattern says so too."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value <= 0:
            raise serializers.ValidationError("must be more than 0")
        return value


def decimal_rule(field: serializers.DecimalField) -> Rule:
    """ASCII digits, at least one; at most max_digits - decimal_places before the point and decimal_places after
    it; no sign when the field's minimum is 0 or more; a digit other than 0 when it must be positive. No exponent,
    no underscores, no digits of other scripts (all of which Python's Decimal would take)."""
    places = field.decimal_places or 0
    whole = (field.max_digits or 40) - places
    positive = isinstance(field, PositiveDecimal)
    sign = "" if positive or (field.min_value is not None and field.min_value >= 0) else "-?"
    nonzero = "(?=[0-9.]*[1-9])" if positive else ""
    body = rf"[0-9]{{1,{whole}}}"
    if places:
        body += rf"(?:\.[0-9]{{0,{places}}})?|\.[0-9]{{1,{places}}}"
    words = "above 0" if positive else "a number"
    message = f'must be {words} written as a string, like "12.50" (at most {places} decimals)'
    return Rule(rf"^{sign}{nonzero}(?:{body})$", message)


class HttpUrl(serializers.CharField):
    """An http(s) URL the helpdesk will call (a webhook); the service checks it names a host."""


def rule_for(field) -> Rule | None:
    """The pattern a request string for this field must match (None: its enum or format says it all)."""
    if isinstance(field, serializers.DecimalField):
        return decimal_rule(field)
    if isinstance(field, serializers.DateTimeField):
        return DATE_TIME
    if isinstance(field, HttpUrl):
        return HTTP_URL
    if isinstance(field, serializers.CharField) and not isinstance(field, serializers.EmailField):
        return NOT_BLANK if not field.allow_blank and field.trim_whitespace else NO_NUL
    return None


def validated(serializer_class, data, *, partial: bool = False, query: bool = False) -> dict:
    """The serializer's validated data, or a 400: first what the schema documents, then DRF's own rules.
    A body may hold only the fields the schema lists; a query string may also hold the page's limit and offset."""
    if query:
        data = data.dict()  # "?status=" is a status of "", not no status: refused like any other bad value
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"detail": "send a JSON object"})
    serializer = serializer_class(data=data, partial=partial)
    errors = schema_errors(serializer, data, strict=not query)
    if errors:
        raise exceptions.ValidationError(errors)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def schema_errors(field, value, path: str = "", *, strict: bool = True) -> dict[str, list[str]]:
    """{"fills.2.price": ["must be a string"]} for every value the schema refuses (type, length, pattern, a field
    it does not list)."""
    if value is None or getattr(field, "read_only", False):
        return {}  # null is the field's own rule (allow_null)
    for classes, types, words in JSON_TYPES:
        if isinstance(field, classes):
            if not _is_a(value, types):
                return {path or "detail": [f"must be {words}"]}
            break
    if isinstance(value, str):
        return _string_errors(field, value, path)
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        return _merge(schema_errors(field.child, item, f"{path}.{i}".lstrip(".")) for i, item in enumerate(value))
    if isinstance(field, serializers.Serializer):
        errors = _unknown_fields(field, value, path) if strict else {}
        return _merge(
            [errors]
            + [
                schema_errors(child, value[name], f"{path}.{name}".lstrip("."))
                for name, child in field.fields.items()
                if name in value
            ]
        )
    return {}


def _unknown_fields(serializer: serializers.Serializer, value: dict, path: str) -> dict[str, list[str]]:
    """A field the schema does not list is refused, not silently dropped (a typo such as "assigne_email" would
    otherwise change nothing and answer 200)."""
    known = [name for name, field in serializer.fields.items() if not field.read_only]
    refusal = [f"not a field here; use {', '.join(known)}"]
    return {f"{path}.{name}".lstrip("."): refusal for name in value if name not in known}


def _string_errors(field, value: str, path: str) -> dict[str, list[str]]:
    longest = getattr(field, "max_length", None)
    if longest is not None and len(value) > longest:  # counted as sent (the schema's maxLength), before trimming
        return {path: [f"at most {longest} characters"]}
    rule = rule_for(field)
    if rule is not None and not re.search(rule.pattern, value):
        return {path: [rule.message]}
    return {}


def _is_a(value, types: tuple) -> bool:
    if isinstance(value, bool):
        return bool in types
    if isinstance(value, float) and int in types:
        return value.is_integer()  # JSON has one number type: 7.0 is the integer 7
    return isinstance(value, types)


def _merge(parts) -> dict:
    merged: dict = {}
    for part in parts:
        merged.update(part)
    return merged


class ApiPagination(LimitOffsetPagination):
    """?limit= (1-200, default 50) and ?offset= (0-10^9); anything else is a 400 naming the bounds, never an
    out-of-range SQL LIMIT."""

    max_limit = MAX_LIMIT

    def get_limit(self, request) -> int:
        return self._bounded(request, self.limit_query_param, 1, MAX_LIMIT, self.default_limit)

    def get_offset(self, request) -> int:
        return self._bounded(request, self.offset_query_param, 0, MAX_OFFSET, 0)

    def _bounded(self, request, name: str, low: int, high: int, default: int) -> int:
        text = request.query_params.get(name)
        if text is None:
            return default
        if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
            raise exceptions.ValidationError({name: [f"use a whole number from {low} to {high}"]})
        return int(text)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.limit_query_param: (1, MAX_LIMIT), self.offset_query_param: (0, MAX_OFFSET)}
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"].update({"minimum": low, "maximum": high})
        return parameters


class TextKey:
    """A path segment naming something by the exchange's own key: not blank, at most `longest` characters (longer
    cannot exist: the column holds no more), so /customers/<200 characters>/ is a 404, not a database error."""

    longest = 128

    @property
    def regex(self) -> str:
        return rf"(?=[^/]*[^/\s])[^/]{{1,{self.longest}}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class MarketSymbol(TextKey):
    longest = 40


register_converter(TextKey, "key")
register_converter(MarketSymbol, "symbol")
PATH_SCHEMAS = {  # SPECTACULAR_SETTINGS["PATH_CONVERTER_OVERRIDES"]: what the converters above take
    name: {"type": "string", "minLength": 1, "maxLength": converter.longest, "pattern": NOT_BLANK.pattern}
    for name, converter in (("external_id", TextKey), ("symbol", MarketSymbol))
}


class ApiMetadata(SimpleMetadata):
    """OPTIONS describes the body each writing method takes. Our views find their objects themselves (no
    queryset), so DRF's own metadata, which calls get_object() for PUT, failed with an assertion."""

    def determine_actions(self, request, view) -> dict:
        actions = {}
        for method in {"PUT", "POST", "PATCH"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
                actions[method] = self.get_serializer_info(view.get_serializer())
            except (exceptions.APIException, Http404):
                pass
            finally:
                view.request = request
        return actions


class JsonAlways(DefaultContentNegotiation):
    """An Accept header the API cannot honour (a browser's text/html) gets JSON anyway, never a 406; the schema
    view still answers ?format=json."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            return renderers[0], renderers[0].media_type
