"""Who may open what: every endpoint × every role → the expected answer.

One table. Each row is an endpoint (a URL name and how to build its path from the
small world in ``conftest.py``) and what each role gets: a status, or a redirect to a
login page. The endpoints of the project's own apps are discovered from the URL
configuration, and the test fails if one has no row — a new endpoint needs a decision
about who may open it.
"""

from operator import attrgetter
from urllib.parse import urlsplit

from django.test import Client
from django.urls import get_resolver, reverse

import pytest

from tests.reviews.factories import draft_message, submit

ROLES = ("anonymous", "rep", "marketer", "compliance", "admin")

# Short names for the answers.
OK = "200"
SITE_LOGIN = "302 /accounts/login/"
ADMIN_LOGIN = "302 /admin/login/"
ADMIN_HOME = "302 /admin/"
NOT_FOUND = "404"
PACK = "service_line=cardiology&stage=awareness&segment=referring-physician"
DOCUMENT = "302 {w.internal_document.url}"  # formatted with the world


def row(name, path, *answers, method="get"):
    """``answers``: one per role in ``ROLES`` order, or a single one for every role."""
    if len(answers) == 1:
        answers = answers * len(ROLES)
    assert len(answers) == len(ROLES), name
    return name, path, dict(zip(ROLES, answers, strict=True)), method


def url(name, *attributes):
    """A path builder: ``reverse(name)`` with the world's ``attributes`` as arguments."""
    return lambda w: reverse(name, args=[attrgetter(a)(w) for a in attributes])


def snippet(model_path, action):
    return f"wagtailsnippets_{model_path}:{action}"


# The library's answers: the site login for visitors, the page for every library role.
LIBRARY = (SITE_LOGIN, OK, OK, OK, OK)
# Answers of admin screens, per role (anonymous, rep, marketer, compliance, admin).
# Wagtail sends anyone without admin access to its login, and a signed-in editor
# without the permission back to the dashboard.
# A rep (no admin access) who opens any admin page is sent to the library.
TO_LIBRARY = "302 /library/"
ADMINS = (ADMIN_LOGIN, TO_LIBRARY, ADMIN_HOME, ADMIN_HOME, OK)
EDITORS = (ADMIN_LOGIN, TO_LIBRARY, OK, ADMIN_HOME, OK)
STAFF = (ADMIN_LOGIN, TO_LIBRARY, OK, OK, OK)
AUDITORS = (ADMIN_LOGIN, TO_LIBRARY, ADMIN_HOME, OK, OK)
REVIEWERS = (ADMIN_LOGIN, TO_LIBRARY, ADMIN_HOME, OK, ADMIN_HOME)
# The reviewer's workspace: the review step's group, and administrators (who may look
# but not decide); the marketer who submitted it is told why not.
WORKSPACE = (ADMIN_LOGIN, TO_LIBRARY, "403", OK, OK)

# Snippets: (answers for the listing, answers for add and edit). The taxonomy is the
# administrators'; compliance reads objections and terms but edits nothing.
SNIPPET_ACCESS = {
    "cms_serviceline": (ADMINS, ADMINS),
    "cms_journeystage": (ADMINS, ADMINS),
    "cms_segment": (ADMINS, ADMINS),
    "cms_approvedmessage": (EDITORS, EDITORS),
    "assets_objection": (STAFF, EDITORS),
    "glossary_glossaryterm": (STAFF, EDITORS),
}
SNIPPET_OBJECTS = {
    "cms_serviceline": lambda w: w.cardiology,
    "cms_journeystage": lambda w: w.stage,
    "cms_segment": lambda w: w.segment,
    "cms_approvedmessage": lambda w: w.message,
    "assets_objection": lambda w: w.objection,
    "glossary_glossaryterm": lambda w: w.term,
}

ROWS = [
    # The public site.
    row("wagtail_serve", lambda w: "/", OK),
    row("wagtail_serve", lambda w: w.public_page.url, OK),
    row("healthz", url("healthz"), OK),
    row("sitemap", url("sitemap"), OK),
    # Signed-in people are sent on to the library.
    row("login", url("login"), OK, *["302 /library/"] * 4),
    row("logout", url("logout"), "405"),
    # Forgotten passwords: open to everyone; a made-up link says it doesn't work.
    row("password_reset", url("password_reset"), OK),
    row("password_reset_done", url("password_reset_done"), OK),
    row("password_reset_complete", url("password_reset_complete"), OK),
    row(
        "password_reset_confirm",
        lambda w: reverse("password_reset_confirm", args=["MQ", "made-up-token"]),
        OK,
    ),
    row("wagtailcore_login", url("wagtailcore_login"), OK),
    # Wagtail's password forms answer a form for any restriction; a group restriction
    # has no password, so no password opens it (see test_leak_crawl).
    row(
        "wagtailcore_authenticate_with_password",
        url("wagtailcore_authenticate_with_password", "restriction.pk", "library.pk"),
        OK,
    ),
    row("wagtaildocs_serve", lambda w: w.public_document.url, OK),
    # The rep library: Wagtail's page privacy sends visitors to the site login.
    row("wagtail_serve", lambda w: w.library.url, *LIBRARY),
    row("wagtail_serve", lambda w: w.library.url + "before-your-call/", *LIBRARY),
    row("wagtail_serve", lambda w: w.library.url + "objections/log/", *LIBRARY),
    row("wagtail_serve", lambda w: w.library.url + "glossary/cardiology/", *LIBRARY),
    row("wagtail_serve", lambda w: w.library.url + "glossary/", *LIBRARY),
    # Call outcomes: every library role logs and lists their own.
    row("wagtail_serve", lambda w: w.library.url + "calls/", *LIBRARY),
    row("wagtail_serve", lambda w: f"{w.library.url}calls/new/?{PACK}", *LIBRARY),
    row(
        "wagtail_serve",
        lambda w: w.library.url + "calls/new/",
        SITE_LOGIN,
        *["400"] * 4,  # an empty form: the form again, with its errors
        method="post",
    ),
    row("calls_api", url("calls_api"), "401", OK, OK, OK, OK),
    row("calls_api", url("calls_api"), "401", *["415"] * 4, method="post"),
    # My call kit: every library role has one (an empty kit's PDF is a 404 page).
    row("wagtail_serve", lambda w: w.library.url + "kit/", *LIBRARY),
    row("wagtail_serve", lambda w: w.library.url + "kit/pdf/", SITE_LOGIN, *[NOT_FOUND] * 4),
    row("wagtail_serve", lambda w: w.asset.url + "star/", SITE_LOGIN, *["405"] * 4),
    row(
        "wagtail_serve",
        lambda w: w.asset.url + "star/",
        SITE_LOGIN,
        *["302 {w.asset.url}"] * 4,
        method="post",
    ),
    row("wagtail_serve", lambda w: w.asset.url, *LIBRARY),
    row("wagtail_serve", lambda w: w.talk_track.url, *LIBRARY),
    row("wagtail_serve", lambda w: w.asset.url + "pdf/", *LIBRARY),
    row(
        "wagtail_serve",
        lambda w: f"{w.asset.url}download/{w.attachment.pk}/",
        SITE_LOGIN,
        *[DOCUMENT] * 4,
    ),
    # A draft (never approved) item: Wagtail answers 404 before any privacy check.
    row("wagtail_serve", lambda w: w.draft_asset.url, NOT_FOUND),
    row("library_pack_pdf", lambda w: f"{w.library.url}pack.pdf?{PACK}", *LIBRARY),
    # Content requests: every library role may ask and see their own.
    row("wagtail_serve", lambda w: w.library.url + "requests/", *LIBRARY),
    row("wagtail_serve", lambda w: f"{w.library.url}requests/new/?{PACK}", *LIBRARY),
    row(
        "wagtail_serve",
        lambda w: w.library.url + "requests/new/",
        SITE_LOGIN,
        *["400"] * 4,  # an empty form: the form again, with its errors
        method="post",
    ),
    row("wagtaildocs_serve", lambda w: w.internal_document.url, *LIBRARY),
    # Media: images with their collection's privacy; document files never.
    row("concord_media", lambda w: w.public_image.file.url, OK),
    row("concord_media", lambda w: w.internal_image.file.url, *LIBRARY),
    row("concord_media", lambda w: w.internal_rendition.url, *LIBRARY),
    row("concord_media", lambda w: f"/media/{w.internal_document.file.name}", NOT_FOUND),
    row(
        "wagtaildocs_authenticate_with_password",
        url("wagtaildocs_authenticate_with_password", "collection_restriction.pk"),
        OK,
    ),
    # Share links: the rep's pages are the library's; a share is its maker's and the
    # overseers' (marketers, compliance, admins); the buyer's page and PDF are anyone's.
    row("shares:mine", url("shares:mine"), *LIBRARY),
    row("shares:new", lambda w: f"{reverse('shares:new')}?items={w.asset.pk}", *LIBRARY),
    row("shares:detail", url("shares:detail", "share.pk"), *LIBRARY),
    row("shares:revoke", url("shares:revoke", "share.pk"), "405"),  # POST only
    row("buyer:buyer_page", lambda w: w.share.get_absolute_url(), OK),
    row("buyer:buyer_pdf", lambda w: w.share.get_pdf_url(), OK),
    row("buyer:buyer_page", lambda w: w.share.get_absolute_url(), "405", method="post"),
    row("buyer:buyer_page", lambda w: "/s/" + "x" * 43 + "/", NOT_FOUND),
    row("shares_api:api_shares", url("shares_api:api_shares"), "401", OK, OK, OK, OK),
    row("shares_api:api_shares", url("shares_api:api_shares"), "401", *["415"] * 4, method="post"),
    row("shares_api:api_share", url("shares_api:api_share", "share.pk"), "401", OK, OK, OK, OK),
    row("api_schema", url("api_schema"), OK),  # the API's contract holds no data
    row("api_schema", url("api_schema"), "405", method="post"),
    row("library_api", url("library_api"), "401", OK, OK, OK, OK),
    row("library_api", url("library_api"), "405", method="post"),
    # The admin.
    row("wagtailadmin_home", url("wagtailadmin_home"), ADMIN_LOGIN, TO_LIBRARY, OK, OK, OK),
    row(
        "wagtailadmin_login",
        url("wagtailadmin_login"),
        OK,
        TO_LIBRARY,
        ADMIN_HOME,
        ADMIN_HOME,
        ADMIN_HOME,
    ),
    *[
        row(snippet(model, action), path, *answers)
        for model, pk in SNIPPET_OBJECTS.items()
        for action, path, answers in (
            ("list", lambda w, m=model: reverse(snippet(m, "list")), SNIPPET_ACCESS[model][0]),
            ("add", lambda w, m=model: reverse(snippet(m, "add")), SNIPPET_ACCESS[model][1]),
            (
                "edit",
                lambda w, m=model, pk=pk: reverse(snippet(m, "edit"), args=[pk(w).pk]),
                SNIPPET_ACCESS[model][1],
            ),
        )
    ],
    # Workflow actions: only compliance reviewers act on a review task (not even a
    # superuser outside the group); the marketer who submitted it is refused.
    *[
        row(
            snippet(model, "workflow_action"),
            lambda w, m=model, a=attr: w.workflow_action_url(getattr(w, a), m, "approve"),
            *REVIEWERS,
        )
        for model, attr in (
            ("cms_approvedmessage", "submitted_message"),
            ("assets_objection", "submitted_objection"),
            ("glossary_glossaryterm", "submitted_term"),
        )
    ],
    row(
        "wagtailadmin_pages:workflow_action",
        lambda w: w.page_workflow_action_url("approve"),
        *REVIEWERS,
    ),
    *[
        row(
            name,
            lambda w, n=name, a=attr: reverse(
                n,
                args=[
                    getattr(w, a)._meta.app_label,
                    getattr(w, a)._meta.model_name,
                    getattr(w, a).pk,
                ],
            ),
            *WORKSPACE,
        )
        for name in ("reviews_workspace", "reviews_workspace_preview")
        for attr in ("submitted_message", "submitted_objection", "submitted_term", "submitted_page")
    ],
    # Reports and other screens of the project's apps.
    row("assets_reports:objection_review", url("assets_reports:objection_review"), *STAFF),
    row("assets_reports:usage", url("assets_reports:usage"), *STAFF),
    row("assets_reports:usage_by_stage", url("assets_reports:usage_by_stage"), *STAFF),
    row("assets_objection_merge", url("assets_objection_merge", "objection.pk"), *EDITORS),
    row("assets_coverage", url("assets_coverage"), *STAFF),
    row("assets_coverage", lambda w: reverse("assets_coverage") + "?export=csv", *STAFF),
    row("assets_requests:index", url("assets_requests:index"), *STAFF),
    row("assets_influence", url("assets_influence"), *STAFF),
    row("assets_influence", lambda w: reverse("assets_influence") + "?export=csv", *STAFF),
    # The shared buyer-status set is the administrators'.
    *[
        row(f"buyer_statuses:{action}", url(f"buyer_statuses:{action}"), *ADMINS)
        for action in ("index", "add")
    ],
    *[
        row(f"buyer_statuses:{action}", url(f"buyer_statuses:{action}", "status.pk"), *ADMINS)
        for action in ("edit", "delete", "history", "usage")
    ],
    row("assets_requests:done", url("assets_requests:done", "content_request.pk"), *EDITORS),
    row("glossary_admin:import", url("glossary_admin:import"), *EDITORS),
    row("glossary_admin:export", url("glossary_admin:export"), *STAFF),
    row("glossary_admin:consistency", url("glossary_admin:consistency"), *STAFF),
    row("glossary_admin:drift", url("glossary_admin:drift"), *STAFF),
    # The editor's live terminology check: POST only; without an edit view to check
    # (``?for=``) a JSON 404 for anyone with admin access (who may check what is tested in
    # tests/glossary/test_live.py).
    row(
        "glossary_admin:live_check",
        url("glossary_admin:live_check"),
        ADMIN_LOGIN,
        TO_LIBRARY,
        "405",
        "405",
        "405",
    ),
    row(
        "glossary_admin:live_check",
        url("glossary_admin:live_check"),
        ADMIN_LOGIN,
        ADMIN_LOGIN,  # a rep's POST to the admin goes to its login, like anyone's
        NOT_FOUND,
        NOT_FOUND,
        NOT_FOUND,
        method="post",
    ),
    row("shares_report", url("shares_report"), *STAFF),
    # Taking live content out of use: compliance and administrators.
    row(
        "reviews_withdraw",
        lambda w: reverse("reviews_withdraw", args=["wagtailcore", "page", w.asset.pk]),
        ADMIN_LOGIN,
        TO_LIBRARY,
        ADMIN_HOME,
        OK,
        OK,
    ),
    row("reviews_audit_trail", url("reviews_audit_trail"), *AUDITORS),
    row("reviews_due_for_review", url("reviews_due_for_review"), *STAFF),
    row("reviews_expiring_soon", url("reviews_expiring_soon"), *STAFF),
    row("review_routes:index", url("review_routes:index"), *ADMINS),
    row("review_routes:add", url("review_routes:add"), *ADMINS),
    *[
        row(f"review_routes:{action}", url(f"review_routes:{action}", "route.pk"), *ADMINS)
        for action in ("edit", "delete", "history", "usage")
    ],
]


def _discovered():
    """The URL names the matrix must cover: everything outside the admin, and the
    project's own admin screens (snippet list/add/edit/workflow actions, reports,
    imports/exports, review routes)."""
    names = set()

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                ns = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                walk(pattern, prefix + str(pattern.pattern), ns)
            elif pattern.name:
                names.add((prefix + str(pattern.pattern), namespace + pattern.name))

    walk(get_resolver(), "", "")
    wanted = set()
    for path, name in names:
        if not path.startswith("admin/"):
            wanted.add(name)
        elif name.startswith("wagtailsnippets_"):
            model, _, action = name.partition(":")
            if model.removeprefix("wagtailsnippets_").split("_")[0] in {
                "cms",
                "assets",
                "glossary",
                "reviews",
            } and (action in {"list", "add", "edit", "workflow_action"}):
                wanted.add(name)
        elif not name.startswith("wagtail") and not name.endswith("results"):
            wanted.add(name)
    return wanted


def outcome(response):
    if response.status_code in (301, 302):
        return f"{response.status_code} {urlsplit(response['Location']).path}"
    return str(response.status_code)


@pytest.fixture
def matrix_world(world, marketer, reviewer, rep, admin_user):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

    from assets.models import BuyerStatus
    from assets.services import content_request_ask
    from shares.services import create_share
    from tests.assets.factories import EnablementAssetFactory, ObjectionFactory
    from tests.glossary.factories import GlossaryTermFactory

    world.users = {"rep": rep, "marketer": marketer, "compliance": reviewer, "admin": admin_user}
    world.restriction = PageViewRestriction.objects.get(page=world.library)
    world.collection_restriction = CollectionViewRestriction.objects.get(
        collection=world.internal_document.collection
    )
    world.draft_asset = EnablementAssetFactory(title="Draft asset nobody approved")
    world.share = create_share(
        user=rep, pages=[world.asset], recipient="Dr. Ana Lee", organisation="Riverside"
    )
    world.status = BuyerStatus.objects.get(slug="qualified")
    world.content_request, _ = content_request_ask(
        user=rep, service_line=world.cardiology, stage=world.stage, segment=world.segment
    )
    Image = get_image_model()
    world.public_image = Image.objects.create(
        title="Rehab gym",
        file=get_test_image_file(filename="gym.png"),
        collection=Collection.get_first_root_node(),
    )
    world.internal_image = Image.objects.create(
        title="Margin chart",
        file=get_test_image_file(filename="margins.png"),
        collection=world.internal_document.collection,
    )
    world.internal_rendition = world.internal_image.get_rendition("width-100")

    world.submitted_message = draft_message(author=marketer, title="Submitted message")
    submit(world.submitted_message, user=marketer)
    world.submitted_objection = ObjectionFactory(verbatim="Submitted objection words")
    world.submitted_objection.save_revision(user=marketer)
    submit(world.submitted_objection, user=marketer)
    world.submitted_term = GlossaryTermFactory(preferred="Submitted term")
    world.submitted_term.save_revision(user=marketer)
    submit(world.submitted_term, user=marketer)
    world.submitted_page = EnablementAssetFactory(title="Submitted asset")
    world.submitted_page.save_revision(user=marketer)
    submit(world.submitted_page, user=marketer)

    def workflow_action_url(obj, model, action):
        obj = type(obj).objects.get(pk=obj.pk)
        state = obj.current_workflow_task_state
        return reverse(snippet(model, "workflow_action"), args=[obj.pk, action, state.pk])

    def page_workflow_action_url(action):
        page = type(world.submitted_page).objects.get(pk=world.submitted_page.pk)
        state = page.current_workflow_task_state
        return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])

    world.workflow_action_url = workflow_action_url
    world.page_workflow_action_url = page_workflow_action_url
    return world


@pytest.mark.usefixtures("stub_pdf_renderer")
def test_every_role_gets_the_expected_answer_from_every_endpoint(matrix_world):
    covered = {name for name, _path, _answers, _method in ROWS}
    missing = _discovered() - covered
    assert not missing, f"endpoints without a row in the permission matrix: {sorted(missing)}"

    clients = {"anonymous": Client()}
    for role, user in matrix_world.users.items():
        clients[role] = Client()
        clients[role].force_login(user)

    wrong = []
    for name, build, answers, method in ROWS:
        path = build(matrix_world)
        for role in ROLES:
            got = outcome(getattr(clients[role], method)(path))
            expected = answers[role].format(w=matrix_world)
            if got != expected:
                wrong.append(
                    f"{role:<10} {method.upper()} {path} ({name}): expected {expected}, got {got}"
                )
    assert not wrong, "\n".join(wrong)
