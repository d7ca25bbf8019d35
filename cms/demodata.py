"""What every app's demo loader shares: its data files, the taxonomy and the review
queue.

The demo organisation's *content* lives in YAML files, ``<app>/demo_data/<name>.yaml``
(docs/demo.md describes them); each app's ``demo`` module holds only the builders that
turn those records into objects. Builders save drafts and put them in the review queue
(:func:`queue_for_review`); ``reviews.demo`` takes the queue through the real review
workflow, so nothing in the demo goes live any other way.
"""

from pathlib import Path

from django.apps import apps

import yaml

from cms.models import JourneyStage, Segment, ServiceLine

try:  # libyaml's parser when PyYAML was built with it: several times faster
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader

DATA_FOLDER = "demo_data"

# What a record's ``review`` key asks for: the queue it joins in ``context.extra``.
REVIEW_QUEUES = {
    "approve": "to_approve",  # submitted, approved by compliance, so it goes live
    "submit": "to_submit",  # submitted and left in the reviewer's queue
    "none": None,  # stays a draft
}


def data_path(app_label, name):
    return Path(apps.get_app_config(app_label).path) / DATA_FOLDER / f"{name}.yaml"


def read(app_label, name):
    """The records in ``<app>/demo_data/<name>.yaml``."""
    with data_path(app_label, name).open(encoding="utf-8") as file:
        return yaml.load(file, Loader=SafeLoader)  # noqa: S506 - a safe loader


def queue_for_review(context, obj, review="approve"):
    """Queue ``obj`` for ``reviews.demo`` as its record's ``review`` key says.

    Content that was approved once (it has an approval code) is never queued again.
    """
    if review not in REVIEW_QUEUES:
        raise ValueError(f"{obj}: review must be one of {', '.join(REVIEW_QUEUES)}, not {review!r}")
    queue_name = REVIEW_QUEUES[review]
    if queue_name is None or getattr(obj, "approval_code", ""):
        return
    queue = context.extra.setdefault(queue_name, [])
    if obj not in queue:
        queue.append(obj)


class Taxonomy:
    """Service lines, journey stages and segments by slug, read once.

    Slugs that don't exist (a service line someone deleted) are skipped, as the
    builders skip records that need them.
    """

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
