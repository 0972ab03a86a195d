from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandConfig(AppConfig):
    name = "elkaar.demand"
    label = "demand"
    verbose_name = _("Kennisvragen")

    def ready(self) -> None:
        # Signal receivers (course published), the registration rule of the priority window, and the
        # "request" document type of the search index.
        from elkaar.demand import receivers

        receivers.connect()
