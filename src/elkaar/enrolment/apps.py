from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    name = "elkaar.enrolment"
    label = "enrolment"
    verbose_name = _("Aanmeldingen")

    def ready(self) -> None:
        from elkaar.enrolment import receivers  # noqa: F401  (connects the signal receivers)
