from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "elkaar.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from elkaar.feedback import periodic, services
        from elkaar.search import index

        periodic.register_jobs()
        index.rating_source("course", services.course_ratings)
