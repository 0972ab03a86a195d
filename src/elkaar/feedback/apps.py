from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "elkaar.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from elkaar.feedback import periodic

        periodic.register_jobs()
