from django.urls import path

from elkaar.feedback import views

app_name = "feedback"


def _report(route: str, view, name: str) -> list:
    """A report page and its CSV and XLSX exports."""
    return [
        path(route, view, name=name),
        path(route.rstrip("/") + ".csv", view, {"export": "csv"}, name=f"{name}_csv"),
        path(route.rstrip("/") + ".xlsx", view, {"export": "xlsx"}, name=f"{name}_xlsx"),
    ]


urlpatterns: list = [
    # Reviews and moderation
    path("beoordelingen/cursus/<int:course_pk>/", views.review, name="review"),
    path("beoordelingen/<int:pk>/reactie/", views.review_reply, name="review_reply"),
    path("beoordelingen/<int:pk>/melden/", views.review_report, name="review_report"),
    path("beoordelingen/moderatie/", views.moderation, name="moderation"),
    path("beoordelingen/moderatie/<int:pk>/", views.moderate, name="moderate"),
    # Questions and answers
    path("cursusvragen/cursus/<int:course_pk>/", views.ask, name="ask"),
    path("cursusvragen/<int:pk>/", views.question, name="question"),
    path("cursusvragen/<int:pk>/antwoorden/", views.answer, name="answer_question"),
    path("cursusvragen/<int:pk>/beste-antwoord/", views.best_answer, name="best_answer"),
    # Answering a survey: the secret link from the invitation, no login needed
    path("vragenlijst/<str:token>/", views.answer_survey, name="answer"),
    # Questionnaires and programme surveys
    path("enquetes/programma/<slug:slug>/", views.programme_surveys, name="programme_surveys"),
    path("enquetes/programma/<slug:slug>/nieuw/", views.survey_new, name="survey_new"),
    path("enquetes/programma/<slug:slug>/vragenlijst/<str:kind>/", views.template_adapt, name="template_adapt"),
    path("enquetes/standaard/<str:kind>/", views.default_template, name="default_template"),
    path("enquetes/<int:pk>/", views.survey_detail, name="survey"),
    path("enquetes/<int:pk>/bewerken/", views.survey_edit, name="survey_edit"),
    path("enquetes/<int:pk>/versturen/", views.survey_send, name="survey_send"),
    path("enquetes/<int:pk>/herinneren/", views.survey_remind, name="survey_remind"),
    path("enquetes/<int:pk>/sluiten/", views.survey_close, name="survey_close"),
    path("enquetes/<int:pk>/verwijderen/", views.survey_delete, name="survey_delete"),
    path("enquetes/<int:pk>/standaard/", views.template_reset, name="template_reset"),
    path("enquetes/<int:pk>/vragen/nieuw/", views.question_add, name="question_add"),
    path("enquetes/<int:pk>/vragen/<int:question_pk>/", views.question_edit, name="question_edit"),
    path("enquetes/<int:pk>/vragen/<int:question_pk>/verwijderen/", views.question_remove, name="question_remove"),
    path("enquetes/<int:pk>/vragen/<int:question_pk>/verplaatsen/", views.question_move, name="question_move"),
    # Reports
    *_report("rapporten/bijeenkomst/<int:pk>/", views.report_session, "report_session"),
    *_report("rapporten/cursus/<int:pk>/", views.report_course, "report_course"),
    *_report("rapporten/trainer/<int:pk>/", views.report_trainer, "report_trainer"),
    *_report("rapporten/programma/<slug:slug>/", views.report_programme, "report_programme"),
    *_report("rapporten/enquete/<int:pk>/", views.report_survey, "report_survey"),
]
