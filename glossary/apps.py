from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "glossary"
    verbose_name = "Glossary"

    def ready(self):
        from glossary import panels, sections, signals

        signals.connect()
        panels.register()  # the editor's "Terminology" check (cms.checks)
        sections.register()  # the terms on public service-line pages (cms.sections)
