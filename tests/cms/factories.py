from django.contrib.auth.models import Group

import factory

from cms.models import ApprovedMessage, JourneyStage, Segment, ServiceLine, User

PASSWORD = "correct-horse-battery"  # noqa: S105 - test-only


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.add(*[Group.objects.get(name=name) for name in extracted])


class ServiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceLine
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Service line {n}")
    slug = factory.Sequence(lambda n: f"service-line-{n}")
    code = factory.Sequence(lambda n: f"SL{n}")


class JourneyStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JourneyStage
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Stage {n}")
    slug = factory.Sequence(lambda n: f"stage-{n}")
    order = factory.Sequence(lambda n: n)
    buyer_questions = "What is it?\nWho is it for?"


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Segment {n}")
    slug = factory.Sequence(lambda n: f"segment-{n}")


class ApprovedMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovedMessage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Message {n}")
    text = "Most referred patients are seen within five business days."
    kind = ApprovedMessage.Kind.KEY_MESSAGE
    live = False

    @factory.post_generation
    def service_lines(obj, create, extracted, **kwargs):
        if create:
            obj.service_lines.set(extracted or [ServiceLineFactory()])
            obj.save()
