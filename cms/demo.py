"""The demo organisation's foundation: taxonomy, people and the public home page.

``seed_demo`` runs ``seed(context)`` from this module and then from each app's own
``demo`` module (``glossary.demo``, ``assets.demo``, ``reviews.demo``) when present.
The content comes from ``cms/demo_data/`` (``taxonomy.yaml``, ``people.yaml``,
``site.yaml``). Every step is idempotent: it looks things up by natural key before
creating them and never overwrites what a person changed since.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from wagtail.models import Page, Site

from cms import roles
from cms.demodata import read
from cms.models import HomePage, JourneyStage, Segment, ServiceLine


def seed(context):
    seed_taxonomy(context)
    seed_users(context)
    seed_site(context)


def seed_taxonomy(context):
    data = read("cms", "taxonomy")
    for fields in data["service_lines"]:
        fields = dict(fields)
        ServiceLine.objects.get_or_create(slug=fields.pop("slug"), defaults=fields)
    for order, fields in enumerate(data["journey_stages"], start=1):
        fields = dict(fields)
        questions = fields.pop("buyer_questions", [])
        JourneyStage.objects.get_or_create(
            slug=fields.pop("slug"),
            defaults={**fields, "order": order, "buyer_questions": "\n".join(questions)},
        )
    for fields in data["segments"]:
        fields = dict(fields)
        Segment.objects.get_or_create(slug=fields.pop("slug"), defaults=fields)


def seed_users(context):
    """The demo users, new ones with ``context.password`` (hashed once for all of them)."""
    User = get_user_model()
    data = read("cms", "people")
    groups = {group.name: group for group in Group.objects.all()}
    password = None
    for fields in data["users"]:
        fields = dict(fields)
        username = fields.pop("username")
        group_names = fields.pop("groups", [])
        user = User.objects.filter(username=username).first()
        if user is None:
            password = password or make_password(context.password)
            is_superuser = fields.pop("is_superuser", False)
            user = User.objects.create(
                username=username,
                email=f"{username}@concord.example",
                is_superuser=is_superuser,
                is_staff=is_superuser,
                password=password,
                **fields,
            )
        user.groups.add(*(groups[name] for name in group_names))
        context.users[username] = user
    for slug, username in data.get("sales_owners", {}).items():
        ServiceLine.objects.filter(slug=slug, sales_owner__isnull=True).update(
            sales_owner=context.users[username]
        )


def seed_site(context):
    """Make a Concord ``HomePage`` the root of the default site (once)."""
    home = HomePage.objects.first()
    if home is None:
        data = read("cms", "site")
        root = Page.get_first_root_node()
        # Wagtail's starter page ("Welcome to your new Wagtail site!") makes way.
        starter = Page.objects.filter(depth=2, slug="home", content_type__model="page").first()
        if starter is not None:
            starter.slug = "wagtail-starter-page"
            starter.save(update_fields=["slug"])
        home = HomePage(**data["home_page"])
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(root_page=home, is_default_site=True, **data["site"])
        else:
            site.root_page = home
            site.site_name = data["site"]["site_name"]
            site.save()
        if starter is not None:
            starter.delete()
        roles.sync_role_permissions()
    context.home = home
