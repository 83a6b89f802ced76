"""schemathesis against the REST API's own OpenAPI schema (/api/schema/), on the real server with a real API key,
with every check it has (`--checks all`: no 5xx, status codes, content types, headers and bodies as documented,
schema-violating requests refused, schema-valid ones accepted, undocumented methods 405, auth not ignored...),
both generation modes and every phase (examples, coverage, fuzzing, stateful). Negative ids are part of it."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require
from tickets.models import ApiKey

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES_PER_OPERATION = 10
ALL_SCOPES = ApiKey.Scope.values  # a key that may do everything


@pytest.fixture
def api_key(transactional_db, customer):
    from tickets.services import api_key_create

    return api_key_create(name="schemathesis", scopes=ALL_SCOPES)[1]


def operations(base: str) -> list[tuple[str, str]]:
    import urllib.request

    # The schema is generated on request: give a loaded machine time.
    with urllib.request.urlopen(f"{base}/api/schema/?format=json", timeout=120) as response:
        document = json.loads(response.read())
    return [(method.upper(), path) for path, item in document["paths"].items() for method in item]


def test_schemathesis_with_every_check_finds_nothing(asgi_server, api_key, tmp_path):
    require("postgres", "redis")
    har = tmp_path / "requests.har"
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run"),
        f"{asgi_server}/api/schema/?format=json",
        *("--checks", "all", "--mode", "all", "--phases", "examples,coverage,fuzzing,stateful"),
        *("--header", f"Authorization: Bearer {api_key}"),
        *("--max-examples", str(EXAMPLES_PER_OPERATION), "--seed", "14", "--workers", "1"),
        *("--suppress-health-check", "all", "--request-timeout", "60", "--generation-database", "none"),
        *("--report", "har", "--report-har-path", str(har), "--no-color"),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path, check=False)
    summary = run.stdout[run.stdout.rfind("SUMMARY") :]
    assert run.returncode == 0, run.stdout[-12000:]
    urls = [entry["request"]["url"] for entry in json.loads(har.read_text())["log"]["entries"]]
    negative = [url for url in urls if re.search(r"/-[0-9]+/", url)]
    print(f"\nschemathesis: {len(urls)} requests, {len(negative)} with a negative id\n{summary}")
    assert len(operations(asgi_server)) >= 20, "the schema lists the API's operations"
    assert negative, "negative ids are part of the run"


def test_the_api_refuses_every_operation_without_a_key_or_with_a_key_missing_the_scope(asgi_server, api_key):
    require("postgres", "redis")
    import urllib.error
    import urllib.request

    from tickets.services import api_key_create

    weak = api_key_create(name="no scopes", scopes=[])[1]
    for method, template in operations(asgi_server):
        path = template.replace("{external_id}", "cust-1").replace("{symbol}", "BTCUSDT")
        for name in ("ticket_id", "conversation_id", "webhook_id"):
            path = path.replace("{" + name + "}", "1")
        for header, expected in ((None, 401), (f"Bearer {weak}", 403), ("Bearer hdk_forged_key", 401)):
            request = urllib.request.Request(asgi_server + path, method=method)
            if header:
                request.add_header("Authorization", header)
            if method in ("POST", "PATCH", "PUT"):
                request.add_header("Content-Type", "application/json")
                request.data = b"{}"
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=15)
            assert refused.value.code == expected, (method, path, header, refused.value.code)


def test_every_id_that_cannot_exist_gets_the_documented_json_404(asgi_server, api_key):
    """-1, 0 and 10^30 in every id of every operation: the API's JSON 404, as the schema says (the negative ids do
    not even match Django's <int:> converter, so this is the 404 of a URL with no route)."""
    require("postgres", "redis")
    import urllib.request

    import schemathesis
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    with urllib.request.urlopen(f"{asgi_server}/api/schema/?format=json", timeout=120) as response:
        schema = schemathesis.openapi.from_dict(json.loads(response.read()))
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    probed = 0
    for operation in (result.ok() for result in schema.get_all_operations()):
        ids = [p.name for p in operation.path_parameters if p.definition["schema"].get("type") == "integer"]
        for value in (-1, 0, 10**30) if ids else ():
            body = {"body": {}, "media_type": "application/json"} if list(operation.body) else {}
            case = operation.Case(path_parameters=dict.fromkeys(ids, value), **body)
            answer = case.call(base_url=asgi_server, headers={"Authorization": f"Bearer {api_key}"}, timeout=30)
            case.validate_response(answer, checks=checks)
            assert answer.status_code == 404 and answer.json()["detail"], (operation.label, value)
            probed += 1
    assert probed >= 24, "every operation with an id was probed"
