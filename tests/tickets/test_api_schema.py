"""The tickets API's schema tells the truth about status codes: generated requests (schemathesis, against the real
server) only ever get answers the schema documents, errors included."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error, status_code_conformance

from tests.conftest import require
from tickets import services
from tickets.models import ApiKey

EXAMPLES = 15
OURS = ("/api/v1/customers", "/api/v1/activity", "/api/v1/tickets", "/api/v1/conversations", "/api/v1/webhooks")


def check_operation(operation, base: str, headers: dict) -> None:
    @hsettings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy())
    def check(case):
        response = case.call(base_url=base, headers=headers, timeout=30)
        case.validate_response(response, checks=[not_a_server_error, status_code_conformance])

    check()


@pytest.mark.parametrize("scopes", ["all", "none"])
def test_every_status_code_of_the_tickets_api_is_documented(asgi_server, customer, scopes):
    require("postgres", "redis")
    granted = ApiKey.Scope.values if scopes == "all" else ["pnl:write"]
    headers = {"Authorization": f"Bearer {services.api_key_create(name='schema', scopes=list(granted))[1]}"}
    schema = schemathesis.openapi.from_url(f"{asgi_server}/api/schema/")
    operations = [r.ok() for r in schema.get_all_operations() if r.ok().path.startswith(OURS)]
    assert len(operations) >= 15
    failures = {}
    for operation in operations:
        try:
            check_operation(operation, asgi_server, headers)
        except Exception as exc:  # gather every operation's failure, then report them all
            failures[f"{operation.method.upper()} {operation.path}"] = str(exc)[:400]
    assert failures == {}
