"""The demo organisation's glossaries, and a few drafts that break them.

Every term is created as a draft by the marketer and put in
``context.extra["to_approve"]``: ``reviews.demo`` takes it through the real review
workflow, which publishes it. Three draft approved messages use disallowed variants on
purpose, so the edit-form panel, the workflow's terminology gate and
``check_terminology`` have something to show. Idempotent: terms and messages are
looked up by their natural keys first.
"""

from wagtail.actions.create import CreateAction

from cms.models import ApprovedMessage, ServiceLine
from glossary.models import GlossaryTerm

PROGRAM = GlossaryTerm.Kind.PROGRAM_NAME
STEP = GlossaryTerm.Kind.CARE_PATHWAY_STEP
CLINICAL = GlossaryTerm.Kind.CLINICAL_TERM
ACRONYM = GlossaryTerm.Kind.ACRONYM

# (service line slug or None for global, preferred, kind, variants, definition,
#  plain language, case sensitive)
TERMS = [
    # Global: every service line.
    (
        None,
        "prior authorization",
        CLINICAL,
        ["pre-auth", "prior auth", "preauthorization", "pre-certification"],
        "The health plan's approval required before a service is scheduled. Our intake "
        "team requests it; referring offices don't need to.",
        "Your health plan's OK before your visit. We ask for it for you.",
        False,
    ),
    (
        None,
        "health plan",
        CLINICAL,
        ["insurance company", "insurance carrier"],
        "The payer that covers a patient: commercial, Medicare Advantage or Medicaid "
        "managed care. Use the plan's own name when you know it.",
        "Your insurance.",
        False,
    ),
    (
        None,
        "referring physician",
        CLINICAL,
        ["referring doc", "referral doctor"],
        "The physician or advanced practice provider who sends a patient to us.",
        "The doctor who sent you to us.",
        False,
    ),
    (
        None,
        "EHR",
        ACRONYM,
        ["EMR"],
        "Electronic health record. Say EHR, not EMR, in every channel: referral partners "
        "search our materials for it.",
        "Your health record.",
        True,
    ),
    # Cardiology.
    (
        "cardiology",
        "Cardiac Rehabilitation Program",
        PROGRAM,
        ["heart rehab", "cardio rehab", "cardiac rehab center"],
        "A 12-week, medically supervised exercise and education program after a heart "
        "attack, heart surgery or a heart failure diagnosis. Three sites.",
        "Exercise and coaching sessions that help your heart get stronger after a heart "
        "problem or surgery.",
        False,
    ),
    (
        "cardiology",
        "Heart Failure Clinic",
        PROGRAM,
        ["CHF clinic", "heart failure center", "HF clinic"],
        "Specialist clinic for patients with heart failure: medication titration, "
        "remote monitoring and a named nurse navigator.",
        "A clinic that helps people with heart failure feel better and stay out of the hospital.",
        False,
    ),
    (
        "cardiology",
        "nurse navigator call",
        STEP,
        ["intake phone screen", "welcome call"],
        "The call a cardiology nurse navigator makes within two business days of a "
        "referral: confirms the reason for referral, medications and the first visit.",
        "A nurse calls you before your first visit to answer questions and help you get ready.",
        False,
    ),
    (
        "cardiology",
        "TAVR",
        ACRONYM,
        ["TAVI"],
        "Transcatheter aortic valve replacement. Our structural heart team uses TAVR; "
        "TAVI is the European name for the same procedure.",
        "Replacing a narrowed heart valve through a small tube, without open-heart surgery.",
        True,
    ),
    # Orthopedics.
    (
        "orthopedics",
        "Joint Replacement Program",
        PROGRAM,
        ["joint camp", "total joint center", "joint replacement center"],
        "Hip and knee replacement with one care team from the first consult to the "
        "last physical therapy visit.",
        "Our program for new hips and knees, with the same team from start to finish.",
        False,
    ),
    (
        "orthopedics",
        "pre-surgery education class",
        STEP,
        ["pre-op class", "joint school"],
        "A one-hour class, in person or by video, that every joint replacement patient "
        "takes two to four weeks before surgery.",
        "A class before your surgery about what to expect and how to get your home ready.",
        False,
    ),
    (
        "orthopedics",
        "Spine Care Pathway",
        PROGRAM,
        ["back pain program", "spine program"],
        "Conservative-care-first pathway for back and neck pain: physical therapy and "
        "pain management before any surgical referral.",
        "A step-by-step plan for back or neck pain that starts with therapy, not surgery.",
        False,
    ),
    (
        "orthopedics",
        "physical therapy",
        ACRONYM,
        ["PT"],
        "Spell out physical therapy in patient- and buyer-facing material; PT is fine in "
        "internal notes only.",
        "Exercises with a therapist to help you move better.",
        True,
    ),
    # Behavioral health.
    (
        "behavioral-health",
        "Collaborative Care Program",
        PROGRAM,
        ["CoCM program", "integrated care program", "collab care"],
        "Behavioral health care delivered inside the primary care practice: a care "
        "manager and a consulting psychiatrist work with the patient's own physician.",
        "Mental health support from your own doctor's office, with a care manager and a "
        "psychiatrist in the background.",
        False,
    ),
    (
        "behavioral-health",
        "intensive outpatient program",
        PROGRAM,
        ["IOP program", "day program"],
        "Three-hour sessions, three to five days a week, for adults who need more than "
        "weekly therapy but not a hospital stay.",
        "Group and individual therapy several days a week while you live at home.",
        False,
    ),
    (
        "behavioral-health",
        "telepsychiatry consult",
        STEP,
        ["tele-psych", "e-psych consult", "virtual psych consult"],
        "A video consultation with a psychiatrist, usually within ten business days of a "
        "referral from a Collaborative Care practice.",
        "A video visit with a psychiatrist.",
        False,
    ),
    (
        "behavioral-health",
        "substance use disorder",
        CLINICAL,
        ["substance abuse", "drug abuse"],
        "Person-first, non-stigmatizing clinical term. Never describe patients as "
        "abusers or addicts.",
        "A health condition where someone has trouble controlling their use of alcohol or drugs.",
        False,
    ),
    # Virtual primary care.
    (
        "virtual-primary-care",
        "video visit",
        STEP,
        ["e-visit", "virtual appointment", "telemedicine appointment"],
        "A scheduled primary care appointment by secure video, booked in the member app.",
        "Seeing your doctor on a video call from home.",
        False,
    ),
    (
        "virtual-primary-care",
        "care navigation",
        PROGRAM,
        ["care concierge", "concierge service"],
        "Help finding in-network specialists, labs and imaging, and booking them. "
        "Included for every member; not a premium add-on.",
        "Someone who helps you find and book the care you need.",
        False,
    ),
    (
        "virtual-primary-care",
        "chronic condition management",
        PROGRAM,
        ["disease management program"],
        "Ongoing virtual care for diabetes, hypertension and asthma, with home "
        "monitoring and monthly check-ins.",
        "Regular check-ins to help you stay on top of a long-term condition.",
        False,
    ),
    # Sleep medicine.
    (
        "sleep-medicine",
        "home sleep test",
        STEP,
        ["at-home sleep study", "take-home sleep study"],
        "A one-night test the patient does in their own bed with a small device we mail "
        "or hand out. Most adults with suspected sleep apnea start here.",
        "A sleep test you do in your own bed at home.",
        False,
    ),
    (
        "sleep-medicine",
        "CPAP follow-up visit",
        STEP,
        ["mask check", "CPAP check-in"],
        "The visit 31 to 90 days after starting CPAP that confirms the patient uses it "
        "and it helps (and that the health plan keeps paying for it).",
        "A visit a few weeks after you start using your CPAP machine, to make sure it is "
        "working for you.",
        False,
    ),
]

# Draft approved messages that break the glossary on purpose (never approved).
VIOLATING_DRAFTS = [
    (
        "Draft: heart rehab access",
        "cardiology",
        "Patients start heart rehab within two weeks of discharge, at one of three sites "
        "close to home, and the insurance company is asked for prior auth by our team.",
    ),
    (
        "Draft: IOP admissions",
        "behavioral-health",
        "Our IOP program admits adults with depression, anxiety or substance abuse within "
        "five business days of a referral.",
    ),
    (
        "Draft: same-week video visits",
        "virtual-primary-care",
        "Members book an e-visit in the app and a care concierge helps them find an "
        "in-network specialist the same week.",
    ),
]


def seed(context):
    marketer = context.users.get("marketer")
    service_lines = {line.slug: line for line in ServiceLine.objects.all()}
    to_approve = context.extra.setdefault("to_approve", [])
    for slug, preferred, kind, variants, definition, plain, case_sensitive in TERMS:
        service_line = service_lines.get(slug) if slug else None
        if slug and service_line is None:
            continue
        term = GlossaryTerm.objects.filter(
            service_line=service_line, preferred__iexact=preferred
        ).first()
        if term is None:
            term = GlossaryTerm(
                service_line=service_line,
                preferred=preferred,
                kind=kind,
                variants="\n".join(variants),
                definition=definition,
                plain_language=plain,
                case_sensitive=case_sensitive,
                owner=marketer,
            )
            term.full_clean()
            term = CreateAction(term, user=marketer).execute(skip_permission_checks=True)
        if not term.live:
            to_approve.append(term)
    seed_violating_drafts(context, service_lines, marketer)


def seed_violating_drafts(context, service_lines, marketer):
    for title, slug, text in VIOLATING_DRAFTS:
        service_line = service_lines.get(slug)
        if service_line is None or ApprovedMessage.objects.filter(title=title).exists():
            continue
        message = ApprovedMessage(
            title=title, kind=ApprovedMessage.Kind.KEY_MESSAGE, text=text, owner=marketer
        )
        message.service_lines = [service_line]
        CreateAction(message, user=marketer).execute(skip_permission_checks=True)
