"""Recovery cases, if the recovery app has them. supervisor reads everything below it, but recovery is built
in parallel: everything here degrades to "no recovery data" when the model or its link is missing."""

from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Exists, Model, OuterRef


def recovery_case_model() -> type[Model] | None:
    try:
        model = apps.get_model("recovery", "RecoveryCase")
    except LookupError:
        return None
    return model if _has_table(connection.alias, model._meta.db_table) else None


@cache
def _has_table(alias: str, table: str) -> bool:
    # A model whose migration has not been written yet has no table; ask the database once per process.
    return table in connection.introspection.table_names()


def _link_field(model: type[Model]) -> str | None:
    """How a case points at its chat: a `conversation` foreign key or a plain `conversation_id` column."""
    for name in ("conversation", "conversation_id"):
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        return name
    return None


def has_case_expression() -> Exists | None:
    """An EXISTS(...) over the outer conversation's cases, or None when there is nothing to ask."""
    model = recovery_case_model()
    field = _link_field(model) if model else None
    if field is None:
        return None
    return Exists(model.objects.filter(**{field: OuterRef("pk")}))


def outcome_field(model: type[Model]) -> str | None:
    for name in ("status", "outcome", "state"):
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        return name
    return None
