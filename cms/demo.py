"""The demo organisation's foundation: taxonomy, people and the public home page.

``seed_demo`` runs ``seed(context)`` from this module and then from each app's own
``demo`` module (``assets.demo``, ``glossary.demo``, ``reviews.demo``) when present.
Every step is idempotent: it looks things up by natural key before creating them and
never overwrites what a person changed since.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from wagtail.models import Page, Site

from cms import roles
from cms.models import HomePage, JourneyStage, Segment, ServiceLine

SERVICE_LINES = [
    {
        "slug": "cardiology",
        "name": "Cardiology",
        "code": "CARD",
        "capacity": ServiceLine.Capacity.ACCEPTING,
        "description": "Heart failure clinic, cardiac rehabilitation, structural heart "
        "and remote monitoring of implanted devices.",
    },
    {
        "slug": "orthopedics",
        "name": "Orthopedics",
        "code": "ORTH",
        "capacity": ServiceLine.Capacity.ACCEPTING,
        "description": "Joint replacement, sports medicine and the spine care pathway.",
    },
    {
        "slug": "behavioral-health",
        "name": "Behavioral Health",
        "code": "BH",
        "capacity": ServiceLine.Capacity.WAITLIST,
        "description": "Collaborative care in primary care, intensive outpatient programs "
        "and tele-psychiatry consults.",
    },
    {
        "slug": "virtual-primary-care",
        "name": "Virtual Primary Care",
        "code": "VPC",
        "capacity": ServiceLine.Capacity.ACCEPTING,
        "description": "Video visits, chronic condition management and care navigation "
        "for employer and health plan members.",
    },
    {
        "slug": "sleep-medicine",
        "name": "Sleep Medicine",
        "code": "SLEEP",
        "capacity": ServiceLine.Capacity.PAUSED,
        "description": "Home sleep testing and CPAP follow-up. New consults paused while "
        "the lab moves; nurture only.",
    },
]

STAGES = [
    (
        "awareness",
        "Awareness",
        [
            "What is this program and who is it for?",
            "Is this relevant to my patients or members?",
            "Who else uses it?",
        ],
    ),
    (
        "consideration",
        "Consideration",
        [
            "How does referral or enrolment work?",
            "Is it covered by my plan or contract?",
            "What results have similar organisations seen?",
        ],
    ),
    (
        "evaluation",
        "Evaluation",
        [
            "What does it cost and who pays?",
            "How does it fit our EHR and referral workflow?",
            "What is the wait time for a first appointment?",
        ],
    ),
    (
        "onboarding",
        "Onboarding",
        [
            "What are the intake steps and forms?",
            "Who is our point of contact?",
            "How will we get updates on referred patients?",
        ],
    ),
    (
        "ongoing-engagement",
        "Ongoing engagement",
        [
            "How are our patients doing?",
            "What new programs or locations are available?",
            "How do we raise a concern?",
        ],
    ),
]

SEGMENTS = [
    (
        "patient-consumer",
        "Patient / consumer",
        "",
        "People choosing care for themselves or a family member.",
    ),
    (
        "referring-physician",
        "Referring physician",
        "Ambulatory",
        "Primary care and specialist physicians who refer patients.",
    ),
    (
        "care-manager",
        "Care manager",
        "Inpatient and transitions",
        "Nurses and social workers coordinating care after discharge.",
    ),
    ("employer-group", "Employer group", "", "HR and benefits leaders buying for employees."),
    ("health-plan", "Health plan", "", "Payer network, quality and care-management teams."),
    (
        "referral-partner",
        "Referral partner",
        "Community",
        "Community organisations, urgent care and partner clinics that send referrals.",
    ),
]

USERS = [
    ("marketer", "Maya", "Marketer", "Content marketing lead", [roles.MARKETERS], False),
    ("compliance", "Carlos", "Reviewer", "Compliance reviewer", [roles.COMPLIANCE], False),
    ("rep", "Riley", "Rep", "Sales representative", [roles.SALES_REPS], False),
    ("admin", "Ada", "Admin", "Concord administrator", [], True),
]


def seed(context):
    seed_taxonomy(context)
    seed_users(context)
    seed_site(context)


def seed_taxonomy(context):
    for data in SERVICE_LINES:
        ServiceLine.objects.get_or_create(slug=data["slug"], defaults=data)
    for order, (slug, name, questions) in enumerate(STAGES, start=1):
        JourneyStage.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "order": order, "buyer_questions": "\n".join(questions)},
        )
    for slug, name, care_setting, description in SEGMENTS:
        Segment.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "care_setting": care_setting, "description": description},
        )


def seed_users(context):
    User = get_user_model()
    for username, first, last, title, groups, is_superuser in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "job_title": title,
                "email": f"{username}@concord.example",
                "is_superuser": is_superuser,
                "is_staff": is_superuser,
            },
        )
        if created:
            user.set_password(context.password)
            user.save(update_fields=["password"])
        for name in groups:
            user.groups.add(Group.objects.get(name=name))
        context.users[username] = user
    owners = {"cardiology": "marketer", "orthopedics": "rep"}
    for slug, username in owners.items():
        ServiceLine.objects.filter(slug=slug, sales_owner__isnull=True).update(
            sales_owner=context.users[username]
        )


def seed_site(context):
    """Make a Concord ``HomePage`` the root of the default site (once)."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's starter page ("Welcome to your new Wagtail site!") makes way.
        starter = Page.objects.filter(depth=2, slug="home", content_type__model="page").first()
        if starter is not None:
            starter.slug = "wagtail-starter-page"
            starter.save(update_fields=["slug"])
        home = HomePage(
            title="Care that fits your patients",
            slug="home",
            intro="Cardiology, orthopedics, behavioral health and virtual primary care — "
            "with one clear path from referral to first appointment.",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                root_page=home,
                is_default_site=True,
                site_name="Concord Health",
            )
        else:
            site.root_page = home
            site.site_name = "Concord Health"
            site.save()
        if starter is not None:
            starter.delete()
        roles.sync_role_permissions()
    context.home = home
