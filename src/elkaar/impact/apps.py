from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "elkaar.impact"
    label = "impact"
    verbose_name = _("Opbrengst en erkenning")

    def ready(self) -> None:
        from elkaar.impact import periodic, signals

        signals.connect()
        periodic.register_jobs()
