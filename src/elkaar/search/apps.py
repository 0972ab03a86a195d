from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "elkaar.search"
    label = "search"
    verbose_name = _("Zoeken")

    def ready(self) -> None:
        from elkaar.search import periodic, registry, signals
        from elkaar.search.documents import CourseDocuments, PersonDocuments

        registry.register(CourseDocuments())
        registry.register(PersonDocuments())
        signals.connect()
        periodic.register_jobs()
