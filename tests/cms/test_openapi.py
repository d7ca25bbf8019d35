"""The ``/api/v1/`` contract (``cms/openapi.py``): served, valid, complete, honoured.

* ``GET /api/v1/schema/`` is an OpenAPI 3.1 document that openapi-spec-validator accepts,
  with both ways to authenticate;
* every route under ``api/v1/`` is described (a new endpoint without a description
  fails here), and what the library endpoint answers has exactly the documented fields
  and reads exactly the documented parameters;
* schemathesis, run against the live test server as a rep with a bearer token, sends
  generated requests to every operation: no answer is a 5xx, and every status code,
  content type, header and body conforms to the document.
"""

import json

from django.urls import reverse

from wagtail.models import APIToken

import pytest
from hypothesis import HealthCheck, given, settings

from assets.filters import CallContext
from assets.models.library import Audience
from cms import openapi
from tests.assets.pdf_support import make_asset, make_library
from tests.cms.factories import JourneyStageFactory, SegmentFactory, ServiceLineFactory

INSTALL = "pip install -e '.[dev]'"
schemathesis = pytest.importorskip("schemathesis", reason=f"schemathesis missing: {INSTALL}")
spec_validator = pytest.importorskip(
    "openapi_spec_validator", reason=f"openapi-spec-validator missing: {INSTALL}"
)
requests = pytest.importorskip("requests", reason=f"requests missing: {INSTALL}")
validate = spec_validator.validate
schemathesis_checks = schemathesis.checks

LIBRARY_PARAMETERS = {*CallContext.LABELS, "kind", "q", "sort", "page", "page_size"}


def served_schema(client):
    response = client.get(reverse("api_schema"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


@pytest.mark.django_db
def test_the_schema_is_a_valid_openapi_31_document(client):
    schema = served_schema(client)  # no sign-in needed: it holds no data

    validate(schema)  # raises on anything the specification doesn't allow
    assert schema["openapi"] == "3.1.0"
    assert schema["servers"] == [{"url": "http://testserver"}]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearer"]["description"],
    }
    assert schemes["session"]["in"] == "cookie" and schemes["session"]["name"] == "sessionid"
    library = schema["paths"]["/api/v1/library/"]["get"]
    assert library["security"] == [{"bearer": []}, {"session": []}]
    assert set(library["responses"]) == {"200", "400", "401", "403"}
    assert "WWW-Authenticate" in library["responses"]["401"]["headers"]


@pytest.mark.django_db
def test_every_api_route_is_described(client):
    assert openapi.undescribed() == []
    routes = {route for route, _name, _view in openapi.api_routes()}
    schema = served_schema(client)
    assert set(schema["paths"]) == {openapi._openapi_path(route)[0] for route in routes}
    # Descriptions registered by URL name must name routes that exist.
    names = {name for _route, name, _view in openapi.api_routes()}
    assert set(openapi._registered) <= names
    share = schema["paths"]["/api/v1/shares/{pk}/"]["delete"]
    assert share["parameters"][0] == {
        "name": "pk",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
        "description": "The share's id.",
    }


def test_a_description_for_another_method_is_refused():
    with pytest.raises(ValueError, match="Not HTTP methods"):
        openapi.describe(fetch={})


@pytest.fixture
def world(home_page):
    """A rep with an API token, and one approved one-pager they can find."""
    from tests.cms.factories import UserFactory

    rep = UserFactory(username="api-rep", groups=["Sales reps"])
    _, token = APIToken.create_token(user=rep, name="schemathesis")
    taxonomy = (
        ServiceLineFactory(slug="cardiology", name="Cardiology", code="CARD"),
        JourneyStageFactory(slug="evaluation", name="Evaluation", order=3),
        SegmentFactory(slug="referring-physician", name="Referring physician"),
    )
    make_asset(
        make_library(home_page),
        "Cardiac rehab one-pager",
        taxonomy=taxonomy,
        audience=Audience.EXTERNAL,
        code="CARD-OP-2026-0042",
    )
    return {"rep": rep, "token": token}


@pytest.mark.django_db
def test_the_library_answers_exactly_the_documented_fields_and_parameters(client, world):
    schema = served_schema(client)
    operation = schema["paths"]["/api/v1/library/"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == LIBRARY_PARAMETERS

    response = client.get(reverse("library_api"), HTTP_AUTHORIZATION=f"Bearer {world['token']}")
    assert response.status_code == 200
    [item] = json.loads(response.content)["results"]
    documented = schema["components"]["schemas"]["LibraryItem"]
    assert set(item) == set(documented["properties"]) == set(documented["required"])


# --- schemathesis against the live server ------------------------------------------------

CHECKS = [
    schemathesis_checks.not_a_server_error,
    schemathesis_checks.status_code_conformance,
    schemathesis_checks.content_type_conformance,
    schemathesis_checks.response_headers_conformance,
    schemathesis_checks.response_schema_conformance,
]


@pytest.fixture(scope="session")
def _restore_migration_data(django_db_setup, django_db_blocker):
    """Put the migrations' rows back at the end of the session.

    The live-server test commits, so the database is flushed after it; later
    transactional tests restore the rows themselves (``serialized_rollback``), but a
    database kept for the next run (``--reuse-db``) would otherwise start empty.
    """
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        connection = connections["default"]
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_live_api_keeps_its_contract(live_server, world, _restore_migration_data):
    """Every operation, as a rep with a bearer token: generated requests (valid and
    invalid parameters and bodies), each answer checked against the document."""
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/")
    headers = {"Authorization": f"Bearer {world['token']}"}
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=30,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def exercise(case):
            case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

        exercise()
        tested.append(f"{operation.method.upper()} {operation.path}")
    # Every operation of the document was exercised but the document's own (schemathesis
    # leaves out the URL it read the document from; the first test here covers it).
    document = json.loads(requests.get(f"{live_server.url}/api/v1/schema/", timeout=10).text)
    expected = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if path != "/api/v1/schema/"
    }
    assert sorted(tested) == sorted(expected)
    assert {"GET /api/v1/library/", "POST /api/v1/shares/", "DELETE /api/v1/shares/{pk}/"} <= (
        expected
    )
