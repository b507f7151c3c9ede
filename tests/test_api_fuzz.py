"""Property-based fuzz of the published OpenAPI schema (schemathesis): whatever a client
sends to any operation, the answer is never a 5xx and always our JSON error shape.

Marked `fuzz` (CI runs it with the rest; `-m "not fuzz"` for a fast loop). Kept to about
a minute: a fixed number of examples per operation, derandomized so a failure reproduces.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings as hypothesis_settings

from pika.wsgi import application

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly fires request_finished, which would close the test's
    database connection mid-transaction; Django's own test client unhooks it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def live_set(dj):
    from stages.models import DJSet

    return DJSet.objects.go_live(dj, "DJ Nova")[0]


@schema.parametrize()
@hypothesis_settings(
    max_examples=50, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_makes_the_api_fail(case, dj_token, live_set):
    if "session_id" in (case.path_parameters or {}) and case.operation.path.endswith("/tracks"):
        # Most random ids are unknown (404): post to a real live set as well.
        case.path_parameters["session_id"] = live_set.pk
    response = case.call(headers={"Authorization": f"Bearer {dj_token}"})

    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
