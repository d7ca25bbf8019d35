"""The demo organisation's sales content: the library, approved messages, public
service-line pages, enablement assets, talk tracks, objections and some usage.

Everything is created as drafts (saved revisions) by the demo marketer. What should
end up live goes into ``context.extra["to_approve"]`` and what should wait for review
into ``context.extra["to_submit"]``: ``reviews.demo`` takes both through the real
review workflow. Until it runs, the demo library is empty — by design.

Idempotent: each object is looked up by its natural key (title, slug or normalised
objection wording) before it is created, and nothing that exists is changed. The
wording uses the glossaries' preferred terms (``glossary.demo``) so the terminology
gate lets it through.
"""

import datetime
import random

from django.utils import timezone
from django.utils.text import slugify

from assets.models import (
    EnablementAssetPage,
    LibraryItemPage,
    ObjectionLinkedAsset,
    ObjectionPhrase,
    TalkTrackAsset,
    TalkTrackObjection,
    TalkTrackPage,
    UsageEvent,
)
from assets.models.library import Audience, Kind, Purpose
from assets.models.objections import Objection
from assets.services import ensure_internal_collection, ensure_library, objection_log
from cms.models import ApprovedMessage, JourneyStage, Segment, ServiceLine, ServiceLinePage

AWARE, CONSIDER, EVALUATE, ONBOARD, ONGOING = (
    "awareness",
    "consideration",
    "evaluation",
    "onboarding",
    "ongoing-engagement",
)
PATIENT, PHYSICIAN, CARE_MANAGER, EMPLOYER, PLAN, PARTNER = (
    "patient-consumer",
    "referring-physician",
    "care-manager",
    "employer-group",
    "health-plan",
    "referral-partner",
)
CARD, ORTH, BH, VPC, SLEEP = (
    "cardiology",
    "orthopedics",
    "behavioral-health",
    "virtual-primary-care",
    "sleep-medicine",
)

# Approved messages ------------------------------------------------------------------
# (title, kind, text, source, service lines, stages, segments)
KEY, CLAIM, DISCLAIMER = (
    ApprovedMessage.Kind.KEY_MESSAGE,
    ApprovedMessage.Kind.CLAIM,
    ApprovedMessage.Kind.DISCLAIMER,
)
MESSAGES = [
    (
        "Heart Failure Clinic: first visit",
        KEY,
        "New Heart Failure Clinic referrals are offered a first visit within 10 business "
        "days, and a nurse navigator call within two.",
        "",
        [CARD],
        [AWARE, CONSIDER, EVALUATE],
        [PHYSICIAN, CARE_MANAGER, PARTNER],
    ),
    (
        "Cardiac rehabilitation completion",
        CLAIM,
        "84% of patients who started the Cardiac Rehabilitation Program with us in 2025 "
        "completed all 12 weeks.",
        "Concord cardiac rehabilitation registry, January–December 2025 (n=612)",
        [CARD],
        [CONSIDER, EVALUATE],
        [PHYSICIAN, PLAN, CARE_MANAGER],
    ),
    (
        "Cardiac rehabilitation at home",
        KEY,
        "Patients who can't travel three times a week can do cardiac rehabilitation at "
        "home, with a weekly video session with the rehabilitation team.",
        "",
        [CARD],
        [AWARE, CONSIDER],
        [PATIENT, PHYSICIAN, CARE_MANAGER],
    ),
    (
        "Remote device monitoring",
        KEY,
        "A cardiac nurse reviews implanted device data every business day, and the "
        "referring physician gets a summary after every alert.",
        "",
        [CARD],
        [EVALUATE, ONGOING],
        [PHYSICIAN, PLAN],
    ),
    (
        "Joint Replacement Program: one team",
        KEY,
        "Every Joint Replacement Program patient gets a pre-surgery education class, a "
        "named care navigator and physical therapy booked before the operation.",
        "",
        [ORTH],
        [AWARE, CONSIDER, ONBOARD],
        [PATIENT, PHYSICIAN, EMPLOYER],
    ),
    (
        "Same-day discharge after joint replacement",
        CLAIM,
        "62% of our hip and knee replacement patients in 2025 went home the same day or "
        "the next morning.",
        "Concord orthopedic outcomes dashboard, calendar year 2025",
        [ORTH],
        [CONSIDER, EVALUATE],
        [PHYSICIAN, PLAN, EMPLOYER],
    ),
    (
        "Sports medicine: seen in two days",
        KEY,
        "Athletes with a new injury are seen in sports medicine within two business days.",
        "",
        [ORTH],
        [AWARE, CONSIDER],
        [PATIENT, PARTNER, EMPLOYER],
    ),
    (
        "Collaborative Care Program: how it works",
        KEY,
        "In the Collaborative Care Program, a care manager and a consulting psychiatrist "
        "review every patient's progress weekly with the patient's own physician.",
        "",
        [BH],
        [AWARE, CONSIDER, EVALUATE],
        [PHYSICIAN, PLAN, CARE_MANAGER],
    ),
    (
        "Intensive outpatient program: waitlist",
        KEY,
        "Intensive outpatient program intakes currently run on a waitlist; referring "
        "teams get the expected start date when they refer.",
        "",
        [BH],
        [EVALUATE, ONBOARD],
        [PHYSICIAN, CARE_MANAGER, PARTNER],
    ),
    (
        "Video visits seven days a week",
        KEY,
        "Members can book a video visit with a primary care clinician seven days a week, "
        "usually the same day.",
        "",
        [VPC],
        [AWARE, CONSIDER, EVALUATE],
        [EMPLOYER, PLAN, PATIENT],
    ),
    (
        "Virtual diabetes outcomes",
        CLAIM,
        "Members in virtual chronic condition management for diabetes lowered their A1c "
        "by 0.8 points on average after six months.",
        "Concord virtual care outcomes report, 2025 cohort (n=1,240)",
        [VPC],
        [EVALUATE, ONGOING],
        [EMPLOYER, PLAN],
    ),
    (
        "Sleep lab reopening",
        KEY,
        "New sleep consults are paused while our sleep lab moves. We will contact every "
        "referred patient as soon as home sleep test appointments reopen.",
        "",
        [SLEEP],
        [AWARE, CONSIDER, EVALUATE],
        [PATIENT, PHYSICIAN, PARTNER],
    ),
    (
        "Coverage checked before the first visit",
        DISCLAIMER,
        "We check coverage with the patient's health plan, including prior authorization, "
        "before the first appointment, and tell patients about expected costs.",
        "",
        [CARD, ORTH, BH, VPC, SLEEP],
        [CONSIDER, EVALUATE, ONBOARD],
        [PATIENT, PHYSICIAN, PLAN],
    ),
    (
        "One referral line",
        KEY,
        "Referring offices send any referral through one phone line or the EHR referral "
        "queue; we confirm receipt within one business day.",
        "",
        [CARD, ORTH, BH, SLEEP],
        [ONBOARD, ONGOING],
        [PHYSICIAN, PARTNER, CARE_MANAGER],
    ),
]

# Public service-line pages ------------------------------------------------------------
# (slug, title, intro, [body: ("h", text) | ("p", html) | ("msg", title) | ("callout", text)])
SERVICE_LINE_PAGES = [
    (
        CARD,
        "Heart care",
        "Heart Failure Clinic, Cardiac Rehabilitation Program and structural heart care, "
        "with one nurse navigator from referral to first visit.",
        [
            ("h", "Heart Failure Clinic"),
            ("msg", "Heart Failure Clinic: first visit"),
            (
                "p",
                "<p>The clinic adjusts medications, sets up remote monitoring and "
                "stays in touch with the referring physician after every visit.</p>",
            ),
            ("h", "Cardiac Rehabilitation Program"),
            ("msg", "Cardiac rehabilitation completion"),
            ("msg", "Cardiac rehabilitation at home"),
            ("callout", "Ask your doctor to refer you, or call our referral line."),
            ("msg", "Coverage checked before the first visit"),
        ],
    ),
    (
        ORTH,
        "Orthopedics and sports medicine",
        "New hips and knees with one team from the first consult to the last physical "
        "therapy visit, and quick sports medicine appointments.",
        [
            ("h", "Joint Replacement Program"),
            ("msg", "Joint Replacement Program: one team"),
            ("msg", "Same-day discharge after joint replacement"),
            ("h", "Sports medicine"),
            ("msg", "Sports medicine: seen in two days"),
            ("msg", "Coverage checked before the first visit"),
        ],
    ),
    (
        BH,
        "Behavioral health",
        "Mental health support inside your primary care practice, and more intensive "
        "programs when weekly therapy isn't enough.",
        [
            ("h", "Care where you already get care"),
            ("msg", "Collaborative Care Program: how it works"),
            ("h", "Intensive outpatient program"),
            ("msg", "Intensive outpatient program: waitlist"),
            ("callout", "In a crisis, call or text 988 (Suicide and Crisis Lifeline)."),
        ],
    ),
    (
        VPC,
        "Virtual primary care",
        "Video visits, chronic condition management and care navigation for employer and "
        "health plan members.",
        [
            ("msg", "Video visits seven days a week"),
            ("msg", "Virtual diabetes outcomes"),
            (
                "p",
                "<p>Care navigation helps members find and book in-network "
                "specialists, labs and imaging. It is included for every member.</p>",
            ),
        ],
    ),
    (
        SLEEP,
        "Sleep medicine",
        "Home sleep testing and CPAP follow-up visits for adults with suspected or "
        "diagnosed sleep apnea.",
        [
            ("msg", "Sleep lab reopening"),
            (
                "p",
                "<p>Patients already using CPAP keep their CPAP follow-up visits as planned.</p>",
            ),
        ],
    ),
]

# Enablement assets --------------------------------------------------------------------
# (service lines, kind, title, audience, purpose, stages, segments, summary, body, tags)
OP, FAQ, CS, EM, RIG, DECK, CL = (
    Kind.ONE_PAGER,
    Kind.FAQ,
    Kind.CASE_STUDY,
    Kind.EMAIL_TEMPLATE,
    Kind.REFERRAL_INTAKE_GUIDE,
    Kind.PITCH_DECK,
    Kind.CHECKLIST,
)
INT, EXT, PUB = Audience.INTERNAL, Audience.EXTERNAL, Audience.PUBLIC
BOOK, NURT, GEN = Purpose.BOOKING, Purpose.NURTURE, Purpose.GENERAL

ASSETS = [
    # Cardiology
    (
        [CARD],
        OP,
        "Heart Failure Clinic for referring physicians",
        EXT,
        BOOK,
        [AWARE, CONSIDER],
        [PHYSICIAN],
        "What the clinic does, how fast patients are seen and how to refer.",
        [
            ("msg", "Heart Failure Clinic: first visit"),
            ("h", "Who to refer"),
            (
                "p",
                "<ul><li>New heart failure diagnosis, any ejection fraction</li><li>Two or "
                "more admissions for heart failure in 12 months</li><li>Patients starting "
                "guideline-directed medication who need titration</li></ul>",
            ),
            ("msg", "One referral line"),
        ],
        ["heart-failure"],
    ),
    (
        [CARD],
        OP,
        "Cardiac Rehabilitation Program at a glance",
        EXT,
        BOOK,
        [AWARE, CONSIDER],
        [PHYSICIAN, CARE_MANAGER],
        "Twelve weeks, three sites or at home: outcomes and how patients start.",
        [
            ("msg", "Cardiac rehabilitation completion"),
            ("msg", "Cardiac rehabilitation at home"),
            ("callout", "Referral within two weeks of discharge gives the best completion rates."),
            ("msg", "Coverage checked before the first visit"),
        ],
        ["cardiac-rehabilitation"],
    ),
    (
        [CARD],
        OP,
        "Your heart care team: a guide for patients",
        PUB,
        NURT,
        [AWARE],
        [PATIENT],
        "Plain-language introduction to the Heart Failure Clinic for patients and families.",
        [
            (
                "p",
                "<p>After your doctor refers you, a nurse navigator call comes within two "
                "business days. The nurse answers questions and books your first visit.</p>",
            ),
            ("msg", "Cardiac rehabilitation at home"),
        ],
        ["heart-failure", "patient-education"],
    ),
    (
        [CARD],
        FAQ,
        "Heart Failure Clinic FAQ for care managers",
        EXT,
        GEN,
        [CONSIDER, ONBOARD],
        [CARE_MANAGER],
        "Answers to the questions discharge planners ask most.",
        [
            ("h", "How quickly will my patient be seen?"),
            ("msg", "Heart Failure Clinic: first visit"),
            ("h", "Who checks coverage?"),
            ("msg", "Coverage checked before the first visit"),
            ("h", "How do I hear back?"),
            (
                "p",
                "<p>The referring team gets a visit summary in the EHR within one business "
                "day of each visit.</p>",
            ),
        ],
        ["heart-failure", "transitions-of-care"],
    ),
    (
        [CARD],
        CS,
        "Riverside Medical Group: fewer heart failure readmissions",
        EXT,
        GEN,
        [EVALUATE],
        [PHYSICIAN, PLAN],
        "How a 40-physician group cut 30-day heart failure readmissions with the clinic "
        "and remote device monitoring.",
        [
            ("h", "The challenge"),
            (
                "p",
                "<p>Riverside saw one in four heart failure patients readmitted within 30 "
                "days.</p>",
            ),
            ("h", "What changed"),
            ("msg", "Remote device monitoring"),
            (
                "claim",
                (
                    "Riverside's 30-day heart failure readmissions fell from 24% to 16% in "
                    "the first year.",
                    "Riverside Medical Group quality report, 2025",
                ),
            ),
        ],
        ["heart-failure", "readmissions"],
    ),
    (
        [CARD],
        EM,
        "Follow-up email after a cardiology intro call",
        INT,
        BOOK,
        [CONSIDER],
        [PHYSICIAN],
        "Send within a day of the first call; links the one-pager and the referral line.",
        [
            (
                "p",
                "<p>Subject: Heart Failure Clinic referrals — next steps</p><p>Dr. "
                "[Name], thank you for your time today. As promised, here is how referrals to "
                "our Heart Failure Clinic work…</p>",
            ),
            ("msg", "Heart Failure Clinic: first visit"),
            ("msg", "One referral line"),
        ],
        ["email"],
    ),
    (
        [CARD],
        RIG,
        "Cardiology referral-intake guide",
        EXT,
        BOOK,
        [ONBOARD],
        [PHYSICIAN, PARTNER],
        "What to send with a cardiology referral so the first visit isn't delayed.",
        [
            ("h", "Send with every referral"),
            (
                "table",
                [
                    ["Item", "Why"],
                    ["Reason for referral", "Routes to the right clinic"],
                    ["Latest echo report", "Avoids a repeat test"],
                    ["Medication list", "The nurse navigator call reviews it"],
                ],
            ),
            ("msg", "One referral line"),
        ],
        ["referrals"],
    ),
    (
        [CARD],
        DECK,
        "Cardiology services for health plans",
        EXT,
        GEN,
        [EVALUATE],
        [PLAN],
        "Quality and cost story for network and care-management teams.",
        [
            ("msg", "Cardiac rehabilitation completion"),
            ("msg", "Remote device monitoring"),
            ("callout", "Ask for the plan's readmission data before the meeting."),
        ],
        ["health-plans", "value-based-care"],
    ),
    (
        [CARD],
        CL,
        "Structural heart evaluation checklist",
        INT,
        GEN,
        [EVALUATE],
        [PHYSICIAN],
        "What the structural heart team needs before a TAVR evaluation.",
        [
            (
                "p",
                "<ul><li>Echo within 90 days</li><li>CT angiography if available</li><li>"
                "Frailty assessment</li><li>Goals-of-care conversation documented</li></ul>",
            )
        ],
        ["structural-heart"],
    ),
    # Orthopedics
    (
        [ORTH],
        OP,
        "Joint Replacement Program for employers",
        EXT,
        BOOK,
        [AWARE, CONSIDER],
        [EMPLOYER],
        "Why employees recover faster and return to work sooner.",
        [
            ("msg", "Joint Replacement Program: one team"),
            ("msg", "Same-day discharge after joint replacement"),
            ("callout", "Bundled pricing is available for self-funded employers."),
        ],
        ["joint-replacement", "employers"],
    ),
    (
        [ORTH],
        OP,
        "Joint Replacement Program for referring physicians",
        EXT,
        BOOK,
        [CONSIDER],
        [PHYSICIAN],
        "Candidates, the pre-surgery education class and how to refer.",
        [
            ("msg", "Joint Replacement Program: one team"),
            ("h", "Good candidates"),
            (
                "p",
                "<p>Adults with hip or knee osteoarthritis who have tried conservative care "
                "for at least three months.</p>",
            ),
            ("msg", "One referral line"),
        ],
        ["joint-replacement"],
    ),
    (
        [ORTH],
        FAQ,
        "Spine Care Pathway FAQ",
        EXT,
        GEN,
        [CONSIDER, EVALUATE],
        [PHYSICIAN, PATIENT],
        "Why physical therapy comes first and when surgery is considered.",
        [
            ("h", "Does every patient see a surgeon?"),
            (
                "p",
                "<p>No. The Spine Care Pathway starts with physical therapy and pain "
                "management; a surgical consult follows only if symptoms persist.</p>",
            ),
            ("msg", "Coverage checked before the first visit"),
        ],
        ["spine"],
    ),
    (
        [ORTH],
        CS,
        "Metro Transit: getting employees back to work after knee surgery",
        EXT,
        GEN,
        [EVALUATE],
        [EMPLOYER],
        "A self-funded employer's results with the Joint Replacement Program.",
        [
            ("msg", "Same-day discharge after joint replacement"),
            (
                "claim",
                (
                    "Metro Transit employees returned to work 11 days sooner on average.",
                    "Metro Transit HR absence data, 2024–2025",
                ),
            ),
        ],
        ["joint-replacement", "employers"],
    ),
    (
        [ORTH],
        OP,
        "Sports medicine for schools and clubs",
        EXT,
        BOOK,
        [AWARE],
        [PARTNER],
        "Fast appointments for injured athletes; how athletic trainers refer.",
        [
            ("msg", "Sports medicine: seen in two days"),
            ("p", "<p>Athletic trainers can refer directly by phone or the online form.</p>"),
        ],
        ["sports-medicine"],
    ),
    (
        [ORTH],
        CL,
        "Pre-surgery readiness checklist",
        PUB,
        NURT,
        [ONBOARD],
        [PATIENT],
        "What patients do in the four weeks before joint replacement.",
        [
            (
                "p",
                "<ul><li>Attend the pre-surgery education class</li><li>Arrange a ride "
                "home</li><li>Set up your home: remove rugs, add a chair with arms</li><li>"
                "Book your first physical therapy visit</li></ul>",
            )
        ],
        ["joint-replacement", "patient-education"],
    ),
    (
        [ORTH],
        EM,
        "Employer benefits follow-up email",
        INT,
        BOOK,
        [EVALUATE],
        [EMPLOYER],
        "After a benefits meeting: outcomes, bundled pricing and next step.",
        [
            ("p", "<p>Subject: Joint Replacement Program — the numbers you asked for</p>"),
            ("msg", "Same-day discharge after joint replacement"),
        ],
        ["email", "employers"],
    ),
    # Behavioral health
    (
        [BH],
        OP,
        "Collaborative Care Program for primary care practices",
        EXT,
        BOOK,
        [AWARE, CONSIDER],
        [PHYSICIAN],
        "How behavioral health support works inside the practice, and what it costs.",
        [
            ("msg", "Collaborative Care Program: how it works"),
            ("h", "What the practice does"),
            (
                "p",
                "<p>Screen with PHQ-9 and GAD-7, refer in the EHR, and join a 15-minute "
                "weekly case review.</p>",
            ),
        ],
        ["collaborative-care"],
    ),
    (
        [BH],
        FAQ,
        "Intensive outpatient program FAQ for care managers",
        EXT,
        NURT,
        [EVALUATE, ONBOARD],
        [CARE_MANAGER],
        "Who it is for, the waitlist, and what to do while a patient waits.",
        [
            ("msg", "Intensive outpatient program: waitlist"),
            ("h", "While a patient waits"),
            (
                "p",
                "<p>The Collaborative Care Program or weekly therapy can bridge the wait. "
                "Call the referral line if symptoms worsen.</p>",
            ),
        ],
        ["intensive-outpatient"],
    ),
    (
        [BH],
        DECK,
        "Behavioral health for health plans",
        EXT,
        GEN,
        [EVALUATE],
        [PLAN],
        "Access, outcomes and how our programs fit the plan's behavioral health network.",
        [
            ("msg", "Collaborative Care Program: how it works"),
            ("msg", "Intensive outpatient program: waitlist"),
        ],
        ["health-plans"],
    ),
    (
        [BH],
        RIG,
        "Telepsychiatry consult referral guide",
        EXT,
        BOOK,
        [ONBOARD],
        [PHYSICIAN],
        "How Collaborative Care practices request a telepsychiatry consult.",
        [
            (
                "p",
                "<p>Request the telepsychiatry consult from the care manager's case review; "
                "most are scheduled within ten business days.</p>",
            ),
            ("msg", "One referral line"),
        ],
        ["collaborative-care", "telepsychiatry"],
    ),
    (
        [BH],
        CL,
        "Substance use disorder referral checklist",
        INT,
        GEN,
        [EVALUATE],
        [CARE_MANAGER, PARTNER],
        "What to confirm before referring a patient with a substance use disorder.",
        [
            (
                "p",
                "<ul><li>Current use and withdrawal risk</li><li>Housing and transport</li>"
                "<li>Consent to share records (42 CFR Part 2)</li></ul>",
            )
        ],
        ["substance-use"],
    ),
    # Virtual primary care
    (
        [VPC],
        OP,
        "Virtual primary care for employers",
        EXT,
        BOOK,
        [AWARE, CONSIDER],
        [EMPLOYER],
        "Same-day video visits and care navigation as an employee benefit.",
        [
            ("msg", "Video visits seven days a week"),
            (
                "p",
                "<p>Care navigation is included for every member: help finding in-network "
                "specialists, labs and imaging.</p>",
            ),
        ],
        ["employers", "video-visits"],
    ),
    (
        [VPC],
        CS,
        "Lakeshore Health Plan: diabetes outcomes",
        EXT,
        GEN,
        [EVALUATE],
        [PLAN],
        "A Medicare Advantage plan's results with chronic condition management.",
        [
            ("msg", "Virtual diabetes outcomes"),
            (
                "claim",
                (
                    "Lakeshore members in the program had 18% fewer emergency visits.",
                    "Lakeshore Health Plan claims analysis, 2025",
                ),
            ),
        ],
        ["health-plans", "diabetes"],
    ),
    (
        [VPC],
        FAQ,
        "Member FAQ: your first video visit",
        PUB,
        NURT,
        [ONBOARD],
        [PATIENT],
        "How members download the app, book and join a video visit.",
        [
            ("h", "How do I book?"),
            (
                "p",
                "<p>Open the app, choose Book a video visit and pick a time. Most members "
                "are seen the same day.</p>",
            ),
        ],
        ["video-visits", "patient-education"],
    ),
    (
        [VPC],
        DECK,
        "Virtual primary care for health plans",
        EXT,
        GEN,
        [CONSIDER, EVALUATE],
        [PLAN],
        "Access, outcomes and network fit for plan partnerships.",
        [("msg", "Video visits seven days a week"), ("msg", "Virtual diabetes outcomes")],
        ["health-plans"],
    ),
    (
        [VPC],
        EM,
        "Open enrollment email for HR teams",
        EXT,
        NURT,
        [ONGOING],
        [EMPLOYER],
        "A ready-to-send note HR teams forward to employees during open enrollment.",
        [
            ("p", "<p>Subject: See a doctor today — from your phone</p>"),
            ("msg", "Video visits seven days a week"),
        ],
        ["employers", "open-enrollment"],
    ),
    # Sleep medicine (paused: nurture material leads)
    (
        [SLEEP],
        OP,
        "Sleep medicine update for referring physicians",
        EXT,
        NURT,
        [AWARE, CONSIDER],
        [PHYSICIAN],
        "Where sleep consults stand while the lab moves, and what to do meanwhile.",
        [
            ("msg", "Sleep lab reopening"),
            (
                "p",
                "<p>Patients with suspected severe sleep apnea and daytime sleepiness who "
                "drive for work should be referred to their nearest open sleep center.</p>",
            ),
        ],
        ["sleep-apnea"],
    ),
    (
        [SLEEP],
        OP,
        "Book a home sleep test",
        EXT,
        BOOK,
        [EVALUATE],
        [PHYSICIAN, PATIENT],
        "How patients book a home sleep test (held back while consults are paused).",
        [("p", "<p>Referred patients get a call to book a home sleep test within a week.</p>")],
        ["sleep-apnea"],
    ),
    (
        [SLEEP],
        FAQ,
        "CPAP follow-up visit FAQ",
        PUB,
        NURT,
        [ONGOING],
        [PATIENT],
        "What happens at the CPAP follow-up visit and why it matters for coverage.",
        [
            (
                "p",
                "<p>The CPAP follow-up visit happens 31 to 90 days after you start CPAP. "
                "Your health plan may require it to keep covering the machine.</p>",
            )
        ],
        ["cpap"],
    ),
    # Shared across service lines
    (
        [CARD, ORTH, BH, VPC],
        CL,
        "Lead handoff checklist",
        INT,
        GEN,
        [CONSIDER, EVALUATE],
        [PHYSICIAN, EMPLOYER, PLAN],
        "What marketing passes to sales with every qualified lead.",
        [
            (
                "p",
                "<ul><li>Buyer role and organisation</li><li>Service line and program of "
                "interest</li><li>Source and campaign</li><li>Timeline and decision "
                "process</li><li>Questions they asked</li></ul>",
            )
        ],
        ["handoff"],
    ),
    (
        [CARD, ORTH, BH, SLEEP],
        RIG,
        "Referral partner onboarding guide",
        EXT,
        GEN,
        [ONBOARD],
        [PARTNER],
        "How new referral partners send referrals and get updates.",
        [
            ("msg", "One referral line"),
            ("h", "Updates on referred patients"),
            (
                "p",
                "<p>Partners get a status update when the patient is scheduled and after "
                "the first visit.</p>",
            ),
        ],
        ["referrals", "partners"],
    ),
    (
        [CARD, ORTH, BH, VPC],
        FAQ,
        "Coverage and cost FAQ",
        EXT,
        GEN,
        [CONSIDER, EVALUATE],
        [PATIENT, PHYSICIAN, PLAN],
        "Who checks coverage, prior authorization, and what patients may pay.",
        [
            ("msg", "Coverage checked before the first visit"),
            ("h", "Does the referring office request prior authorization?"),
            ("p", "<p>No. Our intake team requests prior authorization from the health plan.</p>"),
        ],
        ["coverage"],
    ),
    (
        [CARD, ORTH],
        CS,
        "Northside Family Medicine: one referral line",
        EXT,
        GEN,
        [ONGOING],
        [PHYSICIAN],
        "A practice that moved all specialty referrals to one line and the EHR queue.",
        [
            ("msg", "One referral line"),
            (
                "claim",
                (
                    "Northside's referral-to-appointment time fell from 19 to 8 days.",
                    "Northside Family Medicine practice data, 2025",
                ),
            ),
        ],
        ["referrals"],
    ),
    (
        [CARD, ORTH, BH, VPC, SLEEP],
        CL,
        "Quarterly partner review checklist",
        INT,
        GEN,
        [ONGOING],
        [PARTNER, PHYSICIAN],
        "Agenda for quarterly reviews with referral partners.",
        [
            (
                "p",
                "<ul><li>Referral volume and time to first visit</li><li>Open issues</li>"
                "<li>New programs and locations</li><li>Feedback on our materials</li></ul>",
            )
        ],
        ["partners"],
    ),
]

# Talk tracks ------------------------------------------------------------------------------
# (service line, stage, segment, title, summary, opener, questions, messages, point,
#  next step, nurture next step, objections (verbatim), assets (titles), purpose)
TALK_TRACKS = [
    (
        CARD,
        AWARE,
        PHYSICIAN,
        "Cardiology intro call with a referring physician",
        "First conversation with a primary care physician about the Heart Failure Clinic.",
        "Thanks for making time. Many practices tell us heart failure follow-up is hard to "
        "arrange quickly — I'd like to hear how it works for your patients today.",
        [
            (
                "Where do your heart failure patients go after discharge today?",
                "Long waits or no follow-up: lead with the first-visit message.",
            ),
            ("Who on your team arranges specialist follow-up?", "Ask to include them."),
        ],
        ["Heart Failure Clinic: first visit", "Remote device monitoring"],
        "Tie the first-visit time to what they told you about waits.",
        "Offer to send the one-pager and set up a 15-minute call with their referral coordinator.",
        "",
        ["How long until my patients are actually seen?"],
        ["Heart Failure Clinic for referring physicians"],
        BOOK,
    ),
    (
        CARD,
        CONSIDER,
        CARE_MANAGER,
        "Cardiac rehabilitation with discharge planners",
        "For inpatient care managers arranging cardiac rehabilitation after discharge.",
        "You plan dozens of discharges a week — I want to make cardiac rehabilitation "
        "referrals the easy part.",
        [
            (
                "What stops patients from starting rehabilitation after discharge?",
                "Travel or cost: home option and coverage message.",
            ),
            ("How do you refer today?", ""),
        ],
        [
            "Cardiac rehabilitation completion",
            "Cardiac rehabilitation at home",
            "Coverage checked before the first visit",
        ],
        "Completion matters more than enrollment — lead with the 84%.",
        "Agree a referral trigger at discharge and send the FAQ.",
        "",
        ["Our patients can't drive to rehab three times a week."],
        [
            "Cardiac Rehabilitation Program at a glance",
            "Heart Failure Clinic FAQ for care managers",
        ],
        BOOK,
    ),
    (
        CARD,
        EVALUATE,
        PLAN,
        "Cardiology value conversation with a health plan",
        "Evaluation-stage meeting with a plan's network or care-management team.",
        "We'd like to show what our heart failure and rehabilitation programs do for your "
        "members' readmissions and costs.",
        [
            ("Which cardiac measures matter most to you this year?", ""),
            ("How do you share utilisation data with partners?", ""),
        ],
        ["Cardiac rehabilitation completion", "Remote device monitoring"],
        "Use the Riverside case study for proof.",
        "Propose a data-sharing pilot for 100 members.",
        "",
        ["Do you have outcomes data for members like ours?"],
        [
            "Cardiology services for health plans",
            "Riverside Medical Group: fewer heart failure readmissions",
        ],
        GEN,
    ),
    (
        ORTH,
        CONSIDER,
        EMPLOYER,
        "Joint replacement for self-funded employers",
        "Benefits leaders weighing a joint replacement benefit.",
        "Joint replacement is one of the biggest claims lines for most self-funded "
        "employers — I'd like to understand how it shows up in yours.",
        [
            ("How many employees had a hip or knee replacement last year?", ""),
            ("What matters most: cost, time off work, or employee experience?", ""),
        ],
        ["Joint Replacement Program: one team", "Same-day discharge after joint replacement"],
        "Connect same-day discharge to time away from work.",
        "Offer a bundled-price proposal based on their claims data.",
        "",
        ["We already have a joint replacement benefit through our carrier network."],
        [
            "Joint Replacement Program for employers",
            "Metro Transit: getting employees back to work after knee surgery",
        ],
        BOOK,
    ),
    (
        ORTH,
        AWARE,
        PHYSICIAN,
        "Orthopedics intro call with a referring physician",
        "Introducing the Joint Replacement Program and the Spine Care Pathway.",
        "Thanks for your time. I'd like to hear where your patients with joint and back "
        "pain get stuck today.",
        [
            ("Where do you send patients with hip or knee arthritis today?", ""),
            ("How long do they wait for a surgical opinion?", ""),
        ],
        ["Joint Replacement Program: one team"],
        "Position the Spine Care Pathway as conservative care first.",
        "Send the physician one-pager and the Spine Care Pathway FAQ.",
        "",
        ["My patients don't want to be pushed into surgery."],
        ["Joint Replacement Program for referring physicians", "Spine Care Pathway FAQ"],
        BOOK,
    ),
    (
        BH,
        CONSIDER,
        PHYSICIAN,
        "Collaborative Care with a primary care practice",
        "Practice leaders considering the Collaborative Care Program.",
        "Most practices tell us they see more anxiety and depression than they can refer "
        "out. I'd like to understand what that looks like for you.",
        [
            ("How do you screen for depression and anxiety today?", ""),
            ("Where do patients go when they need more than you can offer?", ""),
        ],
        ["Collaborative Care Program: how it works"],
        "Stress that the patient stays with their own physician.",
        "Offer a 30-minute workflow session with their practice manager.",
        "",
        ["We don't have time for another program in our day."],
        ["Collaborative Care Program for primary care practices"],
        BOOK,
    ),
    (
        BH,
        EVALUATE,
        CARE_MANAGER,
        "Intensive outpatient referrals with care managers",
        "Setting expectations about the waitlist and what to do meanwhile.",
        "I want to be straight about timing for the intensive outpatient program and make "
        "sure your patients are supported while they wait.",
        [
            ("How urgent are the patients you're thinking of?", "Crisis: 988 and ED."),
            ("What support do they have now?", ""),
        ],
        ["Intensive outpatient program: waitlist", "Collaborative Care Program: how it works"],
        "Give the expected start date honestly.",
        "Refer now to hold a place, and bridge with weekly therapy.",
        "Refer now to hold a place, and bridge with weekly therapy.",
        ["How long is the wait for the intensive outpatient program?"],
        ["Intensive outpatient program FAQ for care managers"],
        NURT,
    ),
    (
        VPC,
        AWARE,
        EMPLOYER,
        "Virtual primary care intro with an HR leader",
        "First call with a benefits leader about virtual primary care.",
        "Thanks for the time. I'd like to hear how easy it is for your employees to see a "
        "primary care clinician today.",
        [
            ("What do employees do when they need care during the workday?", ""),
            ("Which chronic conditions drive your claims?", ""),
        ],
        ["Video visits seven days a week"],
        "Make it about time away from work.",
        "Offer an employee-survey template and a follow-up demo.",
        "",
        ["Our employees won't use another app."],
        ["Virtual primary care for employers"],
        BOOK,
    ),
    (
        VPC,
        EVALUATE,
        PLAN,
        "Virtual care outcomes with a health plan",
        "Evaluation meeting with a plan's quality and care-management teams.",
        "We'd like to walk through outcomes for members with diabetes and what a pilot "
        "could look like.",
        [
            ("Which HEDIS measures are you focused on?", ""),
            ("How do you engage members who don't see a primary care clinician?", ""),
        ],
        ["Virtual diabetes outcomes", "Video visits seven days a week"],
        "Use the Lakeshore case study as proof.",
        "Propose a six-month pilot with shared outcome measures.",
        "",
        ["Virtual care doesn't reduce costs, it adds visits."],
        ["Lakeshore Health Plan: diabetes outcomes", "Virtual primary care for health plans"],
        GEN,
    ),
    (
        SLEEP,
        CONSIDER,
        PHYSICIAN,
        "Sleep medicine while consults are paused",
        "Keeping referring physicians informed while the sleep lab moves.",
        "I wanted to give you an honest update on sleep medicine before you refer anyone.",
        [
            (
                "Do you have patients waiting for a sleep evaluation now?",
                "Severe symptoms and drivers: nearest open sleep center.",
            ),
            ("How would you like us to tell you when we reopen?", ""),
        ],
        ["Sleep lab reopening"],
        "Never promise a date we haven't announced.",
        "Book a home sleep test for referred patients.",
        "Offer to add the practice to the reopening update list and send the update one-pager.",
        ["When will you start booking sleep studies again?"],
        ["Sleep medicine update for referring physicians"],
        NURT,
    ),
]

# Objections ---------------------------------------------------------------------------------
# (verbatim, category, service line, stages, segments, times heard, response or "",
#  status) — status "approved" goes to review, "drafting" is submitted, "new" waits.
Cat = Objection.Category
OBJECTIONS = [
    (
        "How long until my patients are actually seen?",
        Cat.CAPACITY,
        CARD,
        [AWARE, CONSIDER],
        [PHYSICIAN],
        14,
        "New Heart Failure Clinic referrals are offered a first visit within 10 business "
        "days, and a nurse navigator call within two. If that's too long for a patient, call "
        "the referral line and we'll triage.",
        "approved",
    ),
    (
        "Our patients can't drive to rehab three times a week.",
        Cat.CAPACITY,
        CARD,
        [CONSIDER],
        [CARE_MANAGER, PATIENT],
        9,
        "That's common. Patients who can't travel can do cardiac rehabilitation at home, "
        "with a weekly video session with the rehabilitation team.",
        "approved",
    ),
    (
        "Do you have outcomes data for members like ours?",
        Cat.EVIDENCE,
        CARD,
        [EVALUATE],
        [PLAN],
        6,
        "Yes: 84% of patients who started the Cardiac Rehabilitation Program in 2025 "
        "completed all 12 weeks, and we can share the Riverside readmission results.",
        "approved",
    ),
    (
        "Will you steal my patients?",
        Cat.TRUST,
        CARD,
        [AWARE],
        [PHYSICIAN],
        8,
        "No. We send a visit summary after every visit and patients go back to you for "
        "primary care. You stay the patient's physician.",
        "approved",
    ),
    (
        "Is the Heart Failure Clinic in network for our members?",
        Cat.COST,
        CARD,
        [EVALUATE],
        [PLAN, PATIENT],
        5,
        "We're in network with most commercial and Medicare Advantage plans in the region, "
        "and we check coverage before the first visit.",
        "approved",
    ),
    (
        "Your remote monitoring alerts will flood my inbox.",
        Cat.WORKFLOW,
        CARD,
        [EVALUATE],
        [PHYSICIAN],
        3,
        "",
        "new",
    ),
    (
        "We already have a joint replacement benefit through our carrier network.",
        Cat.COST,
        ORTH,
        [CONSIDER, EVALUATE],
        [EMPLOYER],
        7,
        "Many employers add us alongside their network: bundled pricing means one "
        "predictable price, and 62% of our patients go home the same day or next morning.",
        "approved",
    ),
    (
        "My patients don't want to be pushed into surgery.",
        Cat.TRUST,
        ORTH,
        [AWARE],
        [PHYSICIAN, PATIENT],
        11,
        "The Spine Care Pathway starts with physical therapy and pain management; a "
        "surgical consult follows only if symptoms persist.",
        "approved",
    ),
    (
        "What happens if there's a complication after discharge?",
        Cat.EVIDENCE,
        ORTH,
        [EVALUATE],
        [PATIENT, EMPLOYER],
        4,
        "Every Joint Replacement Program patient has a named care navigator they can call "
        "any time, and the surgical team follows up within 48 hours.",
        "drafting",
    ),
    (
        "Does the bundle include physical therapy?",
        Cat.COST,
        ORTH,
        [EVALUATE],
        [EMPLOYER],
        2,
        "",
        "new",
    ),
    (
        "Sports medicine appointments are never available when our athletes need them.",
        Cat.CAPACITY,
        ORTH,
        [AWARE],
        [PARTNER],
        3,
        "Athletes with a new injury are seen in sports medicine within two business days; "
        "athletic trainers can refer directly.",
        "approved",
    ),
    (
        "We don't have time for another program in our day.",
        Cat.WORKFLOW,
        BH,
        [CONSIDER],
        [PHYSICIAN],
        10,
        "The Collaborative Care Program is built to save time: the care manager does the "
        "follow-up calls, and the weekly case review takes about 15 minutes.",
        "approved",
    ),
    (
        "How long is the wait for the intensive outpatient program?",
        Cat.CAPACITY,
        BH,
        [EVALUATE, ONBOARD],
        [CARE_MANAGER, PHYSICIAN],
        12,
        "Intakes run on a waitlist right now; you get the expected start date when you "
        "refer, and the Collaborative Care Program or weekly therapy can bridge the wait.",
        "approved",
    ),
    (
        "Is the Collaborative Care Program billable for us?",
        Cat.COST,
        BH,
        [EVALUATE],
        [PHYSICIAN],
        6,
        "Yes. Collaborative care has its own billing codes; we give your billing team a "
        "one-page guide and support for the first three months.",
        "drafting",
    ),
    (
        "Will our patients' records be shared without consent?",
        Cat.TRUST,
        BH,
        [EVALUATE],
        [CARE_MANAGER, PATIENT],
        4,
        "",
        "new",
    ),
    (
        "Our employees won't use another app.",
        Cat.WORKFLOW,
        VPC,
        [AWARE, CONSIDER],
        [EMPLOYER],
        9,
        "Members book a video visit in a few taps, and most are seen the same day. We "
        "provide launch material and track usage with you every month.",
        "approved",
    ),
    (
        "Virtual care doesn't reduce costs, it adds visits.",
        Cat.EVIDENCE,
        VPC,
        [EVALUATE],
        [PLAN, EMPLOYER],
        8,
        "In the Lakeshore Health Plan program, members with diabetes lowered their A1c by "
        "0.8 points and had 18% fewer emergency visits.",
        "approved",
    ),
    (
        "Can members see the same clinician each time?",
        Cat.TRUST,
        VPC,
        [CONSIDER],
        [PATIENT, EMPLOYER],
        5,
        "Members can choose a regular clinician and book with them when they're available.",
        "approved",
    ),
    ("Does it connect to our EHR?", Cat.WORKFLOW, VPC, [EVALUATE], [PLAN, PHYSICIAN], 4, "", "new"),
    (
        "When will you start booking sleep studies again?",
        Cat.CAPACITY,
        SLEEP,
        [CONSIDER, EVALUATE],
        [PHYSICIAN, PATIENT],
        13,
        "New sleep consults are paused while our sleep lab moves. We'll contact every "
        "referred patient as soon as home sleep test appointments reopen.",
        "approved",
    ),
    (
        "Why should we refer to you if you can't see anyone right now?",
        Cat.TRUST,
        SLEEP,
        [AWARE],
        [PHYSICIAN, PARTNER],
        5,
        "",
        "new",
    ),
    (
        "Do you take Medicaid?",
        Cat.COST,
        CARD,
        [CONSIDER],
        [PATIENT, PARTNER],
        7,
        "We accept Medicaid managed care plans in the region; our intake team checks "
        "coverage before the first visit.",
        "approved",
    ),
    (
        "The referral form asks for too much.",
        Cat.WORKFLOW,
        ORTH,
        [ONBOARD],
        [PHYSICIAN, PARTNER],
        6,
        "Send the reason for referral and the latest imaging; everything else our intake "
        "team can collect from the patient.",
        "drafting",
    ),
    (
        "We had a bad experience with your scheduling last year.",
        Cat.TRUST,
        CARD,
        [ONGOING],
        [PARTNER],
        2,
        "",
        "new",
    ),
]


# Seeding -----------------------------------------------------------------------------------


def seed(context):
    lookup = _Lookup()
    marketer = context.users.get("marketer")
    rep = context.users.get("rep")
    to_approve = context.extra.setdefault("to_approve", [])
    to_submit = context.extra.setdefault("to_submit", [])

    library = ensure_library(home=context.home)
    ensure_internal_collection()

    messages = seed_messages(lookup, marketer, to_approve)
    seed_service_line_pages(context.home, lookup, messages, marketer, to_approve)
    assets = seed_assets(library, lookup, messages, marketer, to_approve)
    objections = seed_objections(lookup, assets, rep, marketer, to_approve, to_submit)
    seed_talk_tracks(library, lookup, messages, assets, objections, marketer, to_approve)
    seed_usage(rep)


class _Lookup:
    def __init__(self):
        self.service_lines = {line.slug: line for line in ServiceLine.objects.all()}
        self.stages = {stage.slug: stage for stage in JourneyStage.objects.all()}
        self.segments = {segment.slug: segment for segment in Segment.objects.all()}

    def lines(self, slugs):
        return [self.service_lines[slug] for slug in slugs if slug in self.service_lines]

    def stage_list(self, slugs):
        return [self.stages[slug] for slug in slugs if slug in self.stages]

    def segment_list(self, slugs):
        return [self.segments[slug] for slug in slugs if slug in self.segments]


def _queue(obj, queue):
    if not obj.approval_code and obj not in queue:
        queue.append(obj)


def seed_messages(lookup, marketer, to_approve):
    messages = {}
    for title, kind, text, source, lines, stages, segments in MESSAGES:
        message = ApprovedMessage.objects.filter(title=title).first()
        if message is None:
            message = ApprovedMessage(
                title=title, kind=kind, text=text, source=source, owner=marketer, live=False
            )
            message.service_lines.set(lookup.lines(lines))
            message.stages.set(lookup.stage_list(stages))
            message.segments.set(lookup.segment_list(segments))
            message.save()
            message.save_revision(user=marketer, log_action=True)
        messages[title] = message
        _queue(message, to_approve)
    return messages


def _body(spec, messages):
    """StreamField data from the compact body notation used above."""
    blocks = []
    for kind, value in spec:
        if kind == "h":
            blocks.append(("heading", {"text": value, "level": "h2"}))
        elif kind == "p":
            blocks.append(("paragraph", value))
        elif kind == "msg":
            blocks.append(("approved_message", messages[value]))
        elif kind == "claim":
            claim, source = value
            blocks.append(("claim", {"claim": claim, "source": source, "source_url": ""}))
        elif kind == "callout":
            blocks.append(
                ("callout", {"tone": "important", "heading": "", "text": f"<p>{value}</p>"})
            )
        elif kind == "table":
            blocks.append(
                (
                    "table",
                    {
                        "data": value,
                        "first_row_is_table_header": True,
                        "first_col_is_header": False,
                        "table_header_choice": "row",
                        "table_caption": "",
                    },
                )
            )
    return blocks


def _add_draft(parent, page, user):
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return page


def seed_service_line_pages(home, lookup, messages, marketer, to_approve):
    for slug, title, intro, body in SERVICE_LINE_PAGES:
        service_line = lookup.service_lines.get(slug)
        if service_line is None:
            continue
        page = ServiceLinePage.objects.filter(service_line=service_line).first()
        if page is None:
            page = ServiceLinePage(
                title=title,
                slug=slugify(title),
                service_line=service_line,
                intro=intro,
                body=_body(body, messages),
                live=False,
                owner=marketer,
                show_in_menus=True,
            )
            _add_draft(home, page, marketer)
        _queue(page, to_approve)


def seed_assets(library, lookup, messages, marketer, to_approve):
    assets = {}
    for lines, kind, title, audience, purpose, stages, segments, summary, body, tags in ASSETS:
        slug = slugify(title)[:80]
        page = EnablementAssetPage.objects.child_of(library).filter(slug=slug).first()
        if page is None:
            page = EnablementAssetPage(
                title=title,
                slug=slug,
                kind=kind,
                audience=audience,
                purpose=purpose,
                summary=summary,
                body=_body(body, messages),
                content_owner=marketer,
                owner=marketer,
                live=False,
            )
            page.service_lines.set(lookup.lines(lines))
            page.stages.set(lookup.stage_list(stages))
            page.segments.set(lookup.segment_list(segments))
            page.tags.set(tags)
            _add_draft(library, page, marketer)
        assets[title] = page
        _queue(page, to_approve)
    return assets


def _objection_assets():
    """Each objection's supporting asset: the first asset of a talk track that names it."""
    links = {}
    for row in TALK_TRACKS:
        objection_texts, asset_titles = row[11], row[12]
        for text in objection_texts:
            links.setdefault(text, asset_titles[:1])
    return links


def seed_objections(lookup, assets, rep, marketer, to_approve, to_submit):
    objections = {}
    now = timezone.now()
    supporting = _objection_assets()
    for index, row in enumerate(OBJECTIONS):
        verbatim, category, line, stages, segments, heard, response, status = row
        service_line = lookup.service_lines.get(line)
        if service_line is None:
            continue
        phrase = ObjectionPhrase.objects.filter(
            service_line=service_line, digest=ObjectionPhrase.key(verbatim)[1]
        ).first()
        if phrase is not None:
            objection = phrase.objection
        else:
            stage_objs, segment_objs = lookup.stage_list(stages), lookup.segment_list(segments)
            for hearing in range(heard):
                objection, _ = objection_log(
                    user=rep,
                    verbatim=verbatim,
                    service_line=service_line,
                    stage=stage_objs[hearing % len(stage_objs)],
                    segment=segment_objs[hearing % len(segment_objs)],
                    category=category,
                    heard_at=now - datetime.timedelta(days=(index * 7 + hearing * 3) % 120),
                )
            objection.refresh_from_db()
            objection.stages.set(stage_objs)
            objection.segments.set(segment_objs)
            objection.owner = marketer
            objection.linked_assets = [
                ObjectionLinkedAsset(asset=assets[title])
                for title in supporting.get(verbatim, [])
                if title in assets
            ]
            if response:
                objection.approved_response = response
                objection.status = Objection.Status.DRAFTING
            objection.save()
            objection.save_revision(user=marketer, log_action=True)
        objections[verbatim] = objection
        if status == "approved":
            _queue(objection, to_approve)
        elif status == "drafting":
            _queue(objection, to_submit)
    return objections


def seed_talk_tracks(library, lookup, messages, assets, objections, marketer, to_approve):
    for row in TALK_TRACKS:
        (
            line,
            stage,
            segment,
            title,
            summary,
            opener,
            questions,
            message_titles,
            point,
            next_step,
            nurture_step,
            objection_texts,
            asset_titles,
            purpose,
        ) = row
        if line not in lookup.service_lines:
            continue
        slug = slugify(title)[:80]
        page = TalkTrackPage.objects.child_of(library).filter(slug=slug).first()
        if page is None:
            page = TalkTrackPage(
                title=title,
                slug=slug,
                summary=summary,
                purpose=purpose,
                opener=opener,
                discovery_questions=[
                    ("question", {"question": question, "listen_for": listen})
                    for question, listen in questions
                ],
                key_messages=[
                    *[("approved_message", messages[title]) for title in message_titles],
                    ("talking_point", point),
                ],
                next_step=next_step,
                nurture_next_step=nurture_step,
                content_owner=marketer,
                owner=marketer,
                live=False,
            )
            page.service_lines.set(lookup.lines([line]))
            page.stages.set(lookup.stage_list([stage]))
            page.segments.set(lookup.segment_list([segment]))
            page.linked_objections = [
                TalkTrackObjection(objection=objections[text])
                for text in objection_texts
                if text in objections
            ]
            page.linked_assets = [
                TalkTrackAsset(asset=assets[name]) for name in asset_titles if name in assets
            ]
            _add_draft(library, page, marketer)
        _queue(page, to_approve)


def seed_usage(rep):
    """A few months of views, downloads and call packs, so the reports have data."""
    if UsageEvent.objects.exists():
        return
    rng = random.Random(2026)  # noqa: S311 - deterministic demo data, not security
    now = timezone.now()
    items = list(LibraryItemPage.objects.order_by("path").prefetch_related("stages"))
    events = []
    for position, item in enumerate(items):
        if position % 5 == 4:
            continue  # some material nobody uses: the "unused in 90 days" report
        for _ in range(rng.randint(2, 25)):
            kind = UsageEvent.Kind.DOWNLOAD if rng.random() < 0.3 else UsageEvent.Kind.VIEW
            events.append(
                UsageEvent(
                    kind=kind,
                    page=item,
                    user=rep,
                    created_at=now - datetime.timedelta(days=rng.randint(0, 80)),
                )
            )
    UsageEvent.objects.bulk_create(events)
