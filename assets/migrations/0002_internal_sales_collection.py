"""The "Internal sales material" document collection, restricted to the library roles.

Documents are private only through their collection's restriction (a document linked
from a private page is otherwise public), so internal attachments go here.
"""

from django.db import migrations

COLLECTION = "Internal sales material"
GROUPS = ["Sales reps", "Marketers", "Compliance reviewers"]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _next_path(parent_path, last_child_path):
    """The materialised path treebeard would give the next child (base 36, 4 chars)."""
    if last_child_path is None:
        number = 1
    else:
        step = last_child_path[-STEPLEN:]
        number = 0
        for char in step:
            number = number * len(ALPHABET) + ALPHABET.index(char)
        number += 1
    step = ""
    for _ in range(STEPLEN):
        number, remainder = divmod(number, len(ALPHABET))
        step = ALPHABET[remainder] + step
    return parent_path + step


def create_collection(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    CollectionViewRestriction = apps.get_model("wagtailcore", "CollectionViewRestriction")
    Group = apps.get_model("auth", "Group")

    root = Collection.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    collection = Collection.objects.filter(depth=2, name=COLLECTION).first()
    if collection is None:
        last = (
            Collection.objects.filter(depth=2, path__startswith=root.path)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        collection = Collection.objects.create(
            name=COLLECTION, path=_next_path(root.path, last), depth=2, numchild=0
        )
        root.numchild = Collection.objects.filter(depth=2, path__startswith=root.path).count()
        root.save(update_fields=["numchild"])
    restriction, _ = CollectionViewRestriction.objects.get_or_create(
        collection=collection, restriction_type="groups"
    )
    restriction.groups.set(Group.objects.filter(name__in=GROUPS))


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0001_initial"),
        ("cms", "0003_roles"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_collection, migrations.RunPython.noop)]
