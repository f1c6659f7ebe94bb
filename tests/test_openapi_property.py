"""A property-based run of the OpenAPI document (schemathesis): generated requests, valid and not,
against every operation, as an admin over the real graph. No 5xx, and every response keeps the
documented schema."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance

from matchmaker import create_app


def _operations():
    document = create_app().test_client().get("/openapi.json").get_json()   # no graph needed for the document
    return [f"{method.upper()} {path}" for path, methods in sorted(document["paths"].items())
            for method in sorted(methods) if method in ("get", "post", "put", "patch", "delete")]


@pytest.mark.parametrize("label", _operations())
def test_no_server_error_and_documented_shapes(label, app, catalogue, client_as):
    admin = client_as("admin").environ_base["HTTP_AUTHORIZATION"]
    operation = schemathesis.openapi.from_wsgi("/openapi.json", app).find_operation_by_label(label)

    cases = st.one_of(operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
                      operation.as_strategy(schemathesis.GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck),
              database=None)
    def run(case):
        case.call_and_validate(headers={"Authorization": admin},
                               checks=[not_a_server_error, response_schema_conformance])
    run()
