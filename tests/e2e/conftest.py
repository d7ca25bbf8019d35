"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live server.

Chromium must be installed (`apt-get install chromium`); when it isn't, every browser
test fails with a message saying so — they never silently skip. On a failure the
page's screenshot and HTML are saved under ``test-artifacts/`` and their paths printed.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CONCORD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# for setup are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install it with `apt-get install chromium` "
            "(or set CONCORD_CHROMIUM to its path). Browser tests never skip.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(browser, request, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-120:]
        shot, html = ARTIFACTS / f"{name}.png", ARTIFACTS / f"{name}.html"
        try:
            page.screenshot(path=str(shot), full_page=True)
            html.write_text(page.content())
            print(f"\nE2E artifacts: {shot} {html}")  # noqa: T201 - paths for the CI log
        except Exception as error:  # noqa: BLE001 - the page may be gone; say so
            print(f"\nE2E artifacts could not be saved: {error}")  # noqa: T201
    context.close()


def login(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core in the page; return violations of the given impact."""
    if not AXE.exists():
        pytest.fail(
            "axe-core is missing: run `npm install` in the project root (package.json lists it).",
            pytrace=False,
        )
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


# Journeys -----------------------------------------------------------------------------


def admin_login(page, username, password):
    """Sign in through Wagtail's own admin login form."""
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")


@pytest.fixture
def organisation(home_page):
    """What every journey starts from: the library, the review workflows, one call's
    taxonomy (Cardiology × Evaluation × Referring physician) with a distractor of each,
    and an approved glossary term so the terminology gate has something to enforce."""
    from types import SimpleNamespace

    from assets.services import ensure_library
    from reviews.services import assign_default_workflows
    from tests.cms.factories import JourneyStageFactory, SegmentFactory, ServiceLineFactory
    from tests.glossary.factories import GlossaryTermFactory

    library = ensure_library(home=home_page)
    assign_default_workflows()
    cardiology = ServiceLineFactory(slug="cardiology", name="Cardiology", code="CARD")
    return SimpleNamespace(
        home=home_page,
        library=library,
        cardiology=cardiology,
        orthopedics=ServiceLineFactory(slug="orthopedics", name="Orthopedics", code="ORTH"),
        awareness=JourneyStageFactory(slug="awareness", name="Awareness", order=1),
        evaluation=JourneyStageFactory(slug="evaluation", name="Evaluation", order=3),
        physician=SegmentFactory(slug="referring-physician", name="Referring physician"),
        health_plan=SegmentFactory(slug="health-plan", name="Health plan"),
        rehab_term=GlossaryTermFactory(
            service_line=cardiology,
            preferred="cardiac rehabilitation",
            kind="program_name",
            variants="cardiac rehab\nheart rehab",
            approved=True,
        ),
    )
