from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "glossary"
    verbose_name = "Glossary"

    def ready(self):
        from cms import freshness
        from glossary import panels, sections
        from glossary.models import GlossaryTerm

        freshness.watch(GlossaryTerm)  # the matcher and every served page follow terms
        panels.register()  # the editor's "Terminology" check (cms.checks)
        sections.register()  # the terms on public service-line pages (cms.sections)
