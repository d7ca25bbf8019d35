"""Fixtures shared by the whole suite: the demo roles' users, the site root, and the
demo organisation (``seed_demo``), loaded once per test process."""

import io
import shutil

import pytest

from cms import roles
from tests.cms.factories import ServiceLineFactory, UserFactory
from tests.smtp_server import smtp_server  # noqa: F401 - a fixture: a real SMTP server

# The password the shared demo organisation's users get (not the default, so the seed
# tests can tell that ``--password`` was used).
DEMO_PASSWORD = "another-secret"
DEMO_FIXTURE = "demo_organisation"


class _DemoOrganisation:
    """``seed_demo`` run once, inside a transaction of its own that is rolled back.

    Every test asking for ``demo_organisation`` runs in a savepoint inside that
    transaction, so it sees the demo and whatever it changes is undone, as usual.
    Before a test that doesn't ask for it, the transaction is rolled back (it would
    otherwise see the demo); if a demo test comes later, the demo is loaded again.
    The demo tests are collected first and kept on one xdist worker (``xdist_group``),
    so a run loads it once.
    """

    def __init__(self):
        self.blocker = None
        self.media_root = None
        self.atomic = None
        self.loads = 0
        self.second_run = None

    @property
    def active(self):
        return self.atomic is not None

    def load(self):
        from django.core.management import call_command
        from django.db import transaction
        from django.test import override_settings

        assert not self.active
        if self.media_root.exists():
            shutil.rmtree(self.media_root)
        with self.blocker.unblock(), override_settings(MEDIA_ROOT=self.media_root):
            self.atomic = transaction.atomic()
            # Let code under test open durable blocks, as inside a TestCase's atomic.
            self.atomic._from_testcase = True
            self.atomic.__enter__()
            try:
                call_command("seed_demo", password=DEMO_PASSWORD, stdout=io.StringIO())
            except BaseException:
                self.discard()
                raise
        self.loads += 1
        self.second_run = None

    def run_again(self):
        """``seed_demo`` a second time (default password), once per load.

        Returns :func:`demo_rows` before and after it. The idempotency tests share this
        run, so a whole suite seeds the demo twice: the shared load and this. It runs
        in the calling test's savepoint and is undone with it.
        """
        from django.core.management import call_command

        if self.second_run is None:
            before = demo_rows()
            call_command("seed_demo", stdout=io.StringIO())
            self.second_run = (before, demo_rows())
        return self.second_run

    def discard(self):
        from django.db import transaction

        if not self.active:
            return
        atomic, self.atomic = self.atomic, None
        self.second_run = None
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


_demo = _DemoOrganisation()


def demo_rows():
    """How many rows each table has (sessions and the admin log aside), and each user's
    password hash: what a second ``seed_demo`` must leave as it is."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    return {
        "rows": {
            model._meta.label: model._default_manager.count()
            for model in apps.get_models()
            if model._meta.managed
            and not model._meta.proxy
            and model._meta.app_label not in {"sessions", "admin"}
        },
        "passwords": dict(get_user_model().objects.values_list("username", "password")),
    }


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Demo tests first and together, on one xdist worker (``--dist loadgroup``)."""
    demo = [item for item in items if DEMO_FIXTURE in getattr(item, "fixturenames", ())]
    for item in demo:
        item.add_marker(pytest.mark.xdist_group("demo-organisation"))
    if demo:
        others = [item for item in items if DEMO_FIXTURE not in getattr(item, "fixturenames", ())]
        items[:] = demo + others
    result = yield
    _keep_xdist_group_names(items)
    return result


def _keep_xdist_group_names(items):
    """Make pytest-xdist's group names stick under pytest 9.

    A worker puts a test in its ``xdist_group`` by renaming it ``<nodeid>@<group>``
    through ``item._nodeid``; pytest 9 reads the node id from ``item._id`` instead, so
    the rename was lost and the demo tests were spread over the workers, each loading
    the demo organisation (and running its second seed) again.
    """
    for item in items:
        wanted = getattr(item, "_nodeid", None)
        if wanted and wanted != item.nodeid:
            from _pytest.nodeid import NodeId

            item._id = NodeId.parse(wanted)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture of ``item``: roll the demo back, or load it again."""
    wants_demo = DEMO_FIXTURE in getattr(item, "fixturenames", ())
    if _demo.active and not wants_demo:
        _demo.discard()
    elif wants_demo and _demo.blocker is not None and not _demo.active:
        _demo.load()


@pytest.fixture(scope="session")
def _demo_session(django_db_setup, django_db_blocker, tmp_path_factory):
    _demo.blocker = django_db_blocker
    _demo.media_root = tmp_path_factory.mktemp("demo") / "media"
    _demo.load()
    yield _demo
    _demo.discard()
    _demo.blocker = None


@pytest.fixture
def demo_organisation(_demo_session, db):
    """The whole demo organisation (``seed_demo --password DEMO_PASSWORD``), shared.

    Loaded once per test process rather than once per test: a full seed takes the
    demo through every review workflow. Changes a test makes are rolled back.
    """
    assert _demo.active, "the demo organisation is not loaded"
    return _demo


@pytest.fixture(autouse=True)
def _media_root(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    if DEMO_FIXTURE in request.fixturenames and _demo.media_root.exists():
        # The demo's files, as seeding left them; a copy, so changes stay with the test.
        shutil.copytree(_demo.media_root, settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: no glossary version or report of another test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def home_page(db):
    """A Concord HomePage as the default site's root, as ``seed_demo`` makes it."""
    from cms.demo import seed_site

    class _Context:
        home = None

    context = _Context()
    seed_site(context)
    return context.home


@pytest.fixture
def marketer(db):
    return UserFactory(username="marketer", groups=[roles.MARKETERS])


@pytest.fixture
def reviewer(db):
    return UserFactory(username="compliance", groups=[roles.COMPLIANCE])


@pytest.fixture
def rep(db):
    return UserFactory(username="rep", groups=[roles.SALES_REPS])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def dual_role_user(db):
    """Someone who is both a marketer and a compliance reviewer."""
    return UserFactory(username="dual", groups=[roles.MARKETERS, roles.COMPLIANCE])


@pytest.fixture
def cardiology(db):
    return ServiceLineFactory(slug="cardiology", name="Cardiology", code="CARD")


@pytest.fixture
def orthopedics(db):
    return ServiceLineFactory(slug="orthopedics", name="Orthopedics", code="ORTH")
