"""Feedback pages: reviews and moderation, questions and answers, answering surveys, managing programme surveys
and questionnaires, and reports. Each view parses, checks permissions, calls a service and renders."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from elkaar.accounts.models import User
from elkaar.catalogue.models import Course, Programme, Session
from elkaar.core.permissions import can_view_course, is_admin, manages_programme
from elkaar.feedback import exports, permissions, reports, services
from elkaar.feedback.forms import (
    AnswerForm,
    AskForm,
    ModerationForm,
    ProgrammeSurveyForm,
    QuestionForm,
    ReplyForm,
    ReportForm,
    ReviewForm,
    SurveyForm,
    add_service_errors,
    field_name,
)
from elkaar.feedback.models import (
    CourseAnswer,
    CourseQuestion,
    Invitation,
    Review,
    ReviewReport,
    Survey,
    SurveyKind,
    SurveyQuestion,
    SurveyStatus,
)

# --- Helpers ------------------------------------------------------------------------------------------------------


def _visible_course(request: HttpRequest, pk: int) -> Course:
    course = get_object_or_404(Course.objects.select_related("programme", "organisation"), pk=pk)
    if not can_view_course(request.user, course):
        raise Http404
    return course


def _visible_review(request: HttpRequest, pk: int) -> Review:
    review = get_object_or_404(Review.objects.select_related("course__programme", "author"), pk=pk)
    if not can_view_course(request.user, review.course):
        raise Http404
    if review.is_hidden and not (request.user.pk == review.author_id or is_admin(request.user)):
        raise Http404
    return review


def _visible_question(request: HttpRequest, pk: int) -> CourseQuestion:
    question = get_object_or_404(CourseQuestion.objects.select_related("course__programme", "author"), pk=pk)
    if not can_view_course(request.user, question.course):
        raise Http404
    return question


def _feedback_anchor(course: Course, anchor: str) -> str:
    return f"{course.get_absolute_url()}#{anchor}"


# --- Reviews ------------------------------------------------------------------------------------------------------


@login_required
def review(request: HttpRequest, course_pk: int) -> HttpResponse:
    """Write or edit my review of a course (attendees only)."""
    course = _visible_course(request, course_pk)
    if not permissions.can_review(request.user, course):
        raise PermissionDenied(_("Alleen wie een bijeenkomst van deze cursus volgde, kan hem beoordelen."))
    existing = Review.objects.filter(course=course, author=request.user.pk).first()
    initial = {"rating": existing.rating, "text": existing.text} if existing else None
    form = ReviewForm(request.POST if request.method == "POST" else None, initial=initial, prefix="review")
    if request.method == "POST" and form.is_valid():
        try:
            _review, created = services.save_review(
                request.user,  # type: ignore[arg-type]
                course,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Dank je wel voor je beoordeling.") if created else _("Je beoordeling is bijgewerkt.")
            )
            return redirect(_feedback_anchor(course, "beoordelingen"))
    return render(request, "feedback/review_form.html", {"course": course, "form": form, "review": existing})


@login_required
def review_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """A trainer replies to a review (GET shows the form on its own page, for errors and without JavaScript)."""
    review = _visible_review(request, pk)
    if not permissions.can_reply_to_review(request.user, review):
        raise PermissionDenied(_("Alleen de trainers van de cursus kunnen reageren."))
    form = ReplyForm(
        request.POST if request.method == "POST" else None, initial={"text": review.reply}, prefix=f"reply-{review.pk}"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_to_review(request.user, review, form.cleaned_data["text"])  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error, {"reply": "text"})
        else:
            messages.success(request, _("Je reactie staat bij de beoordeling."))
            return redirect(_feedback_anchor(review.course, f"beoordeling-{review.pk}"))
    return render(request, "feedback/review_reply.html", {"review": review, "course": review.course, "form": form})


@login_required
def review_report(request: HttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    if not permissions.can_report_review(request.user, review):
        raise PermissionDenied(_("Je kunt je eigen beoordeling niet melden."))
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_review(request.user, review, form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Dank je wel. Een beheerder bekijkt je melding."))
            return redirect(_feedback_anchor(review.course, "beoordelingen"))
    return render(request, "feedback/review_report.html", {"review": review, "course": review.course, "form": form})


def _require_moderator(request: HttpRequest) -> None:
    if not permissions.can_moderate(request.user):
        raise PermissionDenied(_("Alleen beheerders beoordelen meldingen."))


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    """The moderation queue: reviews with open reports."""
    _require_moderator(request)
    decided = (
        Review.objects.filter(moderated_at__isnull=False)
        .select_related("course", "moderated_by")
        .order_by("-moderated_at")[:20]
    )
    return render(request, "feedback/moderation.html", {"queue": services.moderation_queue(), "decided": decided})


@login_required
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_moderator(request)
    review = get_object_or_404(Review.objects.select_related("course", "author"), pk=pk)
    form = ModerationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.moderate_review(
                request.user,  # type: ignore[arg-type]
                review,
                form.cleaned_data["decision"],
                form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Het besluit is opgeslagen."))
            return redirect("feedback:moderation")
    reports_list = ReviewReport.objects.filter(review=review).select_related("reporter").order_by("-created_at")
    return render(request, "feedback/moderate.html", {"review": review, "reports": reports_list, "form": form})


# --- Questions and answers ----------------------------------------------------------------------------------------


@login_required
def ask(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _visible_course(request, course_pk)
    if not permissions.can_ask(request.user, course):
        raise PermissionDenied(_("Over deze cursus kun je (nog) geen vragen stellen."))
    form = AskForm(request.POST if request.method == "POST" else None, prefix="ask")
    if request.method == "POST" and form.is_valid():
        try:
            question = services.ask_question(request.user, course, form.cleaned_data["text"])  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Je vraag is gesteld. De trainers krijgen er bericht van."))
            return redirect(question)
    return render(request, "feedback/ask.html", {"course": course, "form": form})


def _question_context(request: HttpRequest, question: CourseQuestion, form: AnswerForm | None = None) -> dict:
    answers = list(question.answers.select_related("author"))
    answers.sort(key=lambda answer: (answer.pk != question.best_answer_id, answer.created_at, answer.pk))
    return {
        "question": question,
        "course": question.course,
        "answers": answers,
        "form": form or AnswerForm(prefix="answer"),
        "can_answer": permissions.can_answer(request.user, question),
        "can_choose": permissions.can_choose_best_answer(request.user, question),
        "show_names": permissions.can_see_names(request.user),
    }


def question(request: HttpRequest, pk: int) -> HttpResponse:
    question = _visible_question(request, pk)
    return render(request, "feedback/question.html", _question_context(request, question))


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = _visible_question(request, pk)
    if not permissions.can_answer(request.user, question):
        raise PermissionDenied
    form = AnswerForm(request.POST, prefix="answer")
    if form.is_valid():
        try:
            services.answer_question(request.user, question, form.cleaned_data["text"])  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Dank je wel voor je antwoord."))
            return redirect(question)
    return render(request, "feedback/question.html", _question_context(request, question, form), status=400)


@login_required
@require_POST
def best_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = _visible_question(request, pk)
    if not permissions.can_choose_best_answer(request.user, question):
        raise PermissionDenied(_("Alleen wie de vraag stelde, kiest het beste antwoord."))
    raw = request.POST.get("answer", "")
    chosen = None
    if raw.isdigit():
        chosen = CourseAnswer.objects.filter(pk=int(raw), question=question).first()
        if chosen is None:
            raise Http404
    services.choose_best_answer(request.user, question, chosen)  # type: ignore[arg-type]
    messages.success(
        request, _("Het beste antwoord is gekozen.") if chosen else _("Er is geen beste antwoord meer gekozen.")
    )
    return redirect(question)


# --- Answering a survey -------------------------------------------------------------------------------------------


def answer_survey(request: HttpRequest, token: str) -> HttpResponse:
    """The survey behind an invitation link: works without logging in; the token is the permission."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("survey__course", "survey__session", "survey__programme"), token=token
    )
    survey = invitation.survey
    form = SurveyForm(survey, request.POST if request.method == "POST" else None)
    if request.method == "POST" and not invitation.responded and survey.is_open and form.is_valid():
        try:
            services.submit_response(invitation, form.answers())
        except services.AlreadyAnswered:
            pass  # answered in another tab meanwhile: the page below says so
        except services.SurveyClosed:
            pass
        except ValidationError as error:
            add_service_errors(form, error, {f"q{q.pk}": field_name(q) for q in form.questions})
        else:
            return redirect("feedback:answer", token=token)
    response = render(
        request,
        "feedback/survey_answer.html",
        {"invitation": invitation, "survey": survey, "form": form, "min_responses": _min_responses()},
        status=400 if request.method == "POST" and survey.is_open and not invitation.responded and form.errors else 200,
    )
    # The site's Referrer-Policy (same-origin) keeps the token in the address from leaking to other sites; a stricter
    # no-referrer would make browsers send "Origin: null" with the form, which the CSRF check rightly refuses.
    response["Cache-Control"] = "no-store"
    return response


def _min_responses() -> int:
    from django.conf import settings

    return settings.SURVEY_MIN_RESPONSES


# --- Questionnaires and programme surveys -------------------------------------------------------------------------


def _managed_programme(request: HttpRequest, slug: str) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    if not manages_programme(request.user, programme):
        raise PermissionDenied(_("Alleen de managers van het programma komen hier."))
    return programme


def _editable_survey(request: HttpRequest, pk: int) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("programme"), pk=pk)
    if not permissions.can_edit_survey(request.user, survey):
        raise PermissionDenied(_("Je mag deze vragenlijst niet beheren."))
    return survey


@login_required
def programme_surveys(request: HttpRequest, slug: str) -> HttpResponse:
    """A programme's questionnaires (its adaptations of the defaults) and its own surveys."""
    programme = _managed_programme(request, slug)
    templates = {
        kind: Survey.objects.filter(kind=kind, is_template=True, programme=programme).first()
        for kind in (SurveyKind.EVALUATION, SurveyKind.FOLLOWUP)
    }
    surveys = []
    for survey in programme.surveys.filter(kind=SurveyKind.PROGRAMME, is_template=False).order_by("-created_at"):
        invited, answered = reports.invitation_counts(survey)
        surveys.append({"survey": survey, "invited": invited, "answered": answered})
    return render(
        request,
        "feedback/programme_surveys.html",
        {
            "programme": programme,
            "evaluation_template": templates[SurveyKind.EVALUATION],
            "followup_template": templates[SurveyKind.FOLLOWUP],
            "surveys": surveys,
        },
    )


@login_required
def survey_new(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _managed_programme(request, slug)
    form = ProgrammeSurveyForm(programme, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        copy_from = None
        if request.POST.get("start_with") == "followup":
            copy_from = services.template_for(SurveyKind.FOLLOWUP, programme)
        try:
            survey = services.create_programme_survey(
                request.user,  # type: ignore[arg-type]
                programme,
                form.survey_data(),
                copy_from=copy_from,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("De enquête is aangemaakt. Voeg nu de vragen toe."))
            return redirect(survey)
    return render(request, "feedback/survey_new.html", {"programme": programme, "form": form})


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Manage a questionnaire or programme survey: questions, sending, response rate, reminders."""
    survey = _editable_survey(request, pk)
    invited, answered = reports.invitation_counts(survey)
    audience = (
        services.programme_audience(survey).count()
        if survey.kind == SurveyKind.PROGRAMME and survey.status == SurveyStatus.DRAFT
        else None
    )
    return render(
        request,
        "feedback/survey_detail.html",
        {
            "survey": survey,
            "questions": list(survey.questions.all()),
            "question_form": QuestionForm(prefix="question", initial={"kind": "scale", "required": True}),
            "invited": invited,
            "answered": answered,
            "rate": answered / invited if invited else None,
            "audience": audience,
            "courses": list(survey.audience_courses.order_by("title")),
        },
    )


@login_required
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _editable_survey(request, pk)
    if survey.kind != SurveyKind.PROGRAMME or not survey.is_editable:
        raise PermissionDenied(_("Deze vragenlijst kan niet meer gewijzigd worden."))
    form = ProgrammeSurveyForm.for_survey(survey, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_programme_survey(request.user, survey, form.survey_data())  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("De enquête is opgeslagen."))
            return redirect(survey)
    return render(request, "feedback/survey_edit.html", {"survey": survey, "programme": survey.programme, "form": form})


def _survey_action(request: HttpRequest, pk: int, action: Callable[[User, Survey], object], done: str) -> HttpResponse:
    survey = _editable_survey(request, pk)
    try:
        action(request.user, survey)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(survey)


@login_required
def survey_send(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what will happen (how many people); POST: send."""
    survey = _editable_survey(request, pk)
    if request.method != "POST":
        count = services.programme_audience(survey).count() if survey.kind == SurveyKind.PROGRAMME else 0
        return render(request, "feedback/survey_send.html", {"survey": survey, "audience": count})
    try:
        count = services.open_programme_survey(request.user, survey)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "De enquête is verstuurd naar %(count)s oud-deelnemer.",
                "De enquête is verstuurd naar %(count)s oud-deelnemers.",
                count,
            )
            % {"count": count},
        )
    return redirect(survey)


@login_required
@require_POST
def survey_remind(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _editable_survey(request, pk)
    try:
        count = services.remind_non_respondents(request.user, survey)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)s collega die nog niet antwoordde krijgt een herinnering.",
                    "%(count)s collega's die nog niet antwoordden krijgen een herinnering.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(
                request, _("Er is niemand om te herinneren: iedereen antwoordde of kreeg vandaag al een herinnering.")
            )
    return redirect(survey)


@login_required
@require_POST
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _survey_action(request, pk, services.close_survey, _("De enquête is gesloten."))


@login_required
@require_POST
def survey_delete(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _editable_survey(request, pk)
    programme = survey.programme
    try:
        services.delete_programme_survey(request.user, survey)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(survey)
    messages.success(request, _("Het concept is verwijderd."))
    return redirect("feedback:programme_surveys", slug=programme.slug) if programme else redirect("accounts:mine")


@login_required
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _editable_survey(request, pk)
    form = QuestionForm(request.POST if request.method == "POST" else None, prefix="question")
    if request.method == "POST" and form.is_valid():
        try:
            services.add_question(request.user, survey, form.question_data())  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("De vraag is toegevoegd."))
            return redirect(survey)
    return render(request, "feedback/question_form.html", {"survey": survey, "form": form, "question": None})


def _survey_question(request: HttpRequest, pk: int, question_pk: int) -> SurveyQuestion:
    survey = _editable_survey(request, pk)
    return get_object_or_404(SurveyQuestion.objects.select_related("survey__programme"), pk=question_pk, survey=survey)


@login_required
def question_edit(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = _survey_question(request, pk, question_pk)
    form = QuestionForm.for_question(question, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_question(request.user, question, form.question_data())  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("De vraag is opgeslagen."))
            return redirect(question.survey)
    return render(
        request, "feedback/question_form.html", {"survey": question.survey, "form": form, "question": question}
    )


@login_required
@require_POST
def question_remove(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = _survey_question(request, pk, question_pk)
    try:
        services.remove_question(request.user, question)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("De vraag is verwijderd."))
    return redirect(question.survey)


@login_required
@require_POST
def question_move(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = _survey_question(request, pk, question_pk)
    try:
        services.move_question(request.user, question, up=request.POST.get("direction") != "down")  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("feedback:survey", args=[pk]) + f"#vraag-{question.pk}")


@login_required
@require_POST
def template_adapt(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    programme = _managed_programme(request, slug)
    if kind not in (SurveyKind.EVALUATION, SurveyKind.FOLLOWUP):
        raise Http404
    template = services.adapt_template(request.user, programme, kind)  # type: ignore[arg-type]
    return redirect(template)


@login_required
@require_POST
def template_reset(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _editable_survey(request, pk)
    programme = survey.programme
    services.reset_template(request.user, survey)  # type: ignore[arg-type]
    messages.success(request, _("Het programma gebruikt weer de standaardvragenlijst."))
    return redirect("feedback:programme_surveys", slug=programme.slug) if programme else redirect("accounts:mine")


@login_required
def default_template(request: HttpRequest, kind: str) -> HttpResponse:
    """Administrators edit the site's default questionnaires."""
    if not is_admin(request.user):
        raise PermissionDenied
    if kind not in (SurveyKind.EVALUATION, SurveyKind.FOLLOWUP):
        raise Http404
    return redirect(services.default_template(kind))


# --- Reports ------------------------------------------------------------------------------------------------------

KIND_PARAMS = {"evaluatie": SurveyKind.EVALUATION, "vervolg": SurveyKind.FOLLOWUP}


def _kind(request: HttpRequest) -> str:
    return KIND_PARAMS.get(request.GET.get("soort", ""), SurveyKind.EVALUATION)


def _report_response(
    request: HttpRequest, report: reports.Report, export: str | None, filename: str, context: dict
) -> HttpResponse:
    if export == "csv":
        response = HttpResponse(exports.as_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if export == "xlsx":
        response = HttpResponse(
            exports.as_xlsx(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    response = render(request, "feedback/report.html", {"report": report, **context})
    response["Cache-Control"] = "private, no-store"
    return response


def _kind_links(request: HttpRequest, name: str, args: list) -> list[dict]:
    current = _kind(request)
    return [
        {
            "url": reverse(name, args=args) + f"?soort={param}",
            "label": SurveyKind(kind).label,
            "current": kind == current,
        }
        for param, kind in KIND_PARAMS.items()
    ]


def _export_links(request: HttpRequest, name: str, args: list) -> dict:
    query = f"?soort={request.GET['soort']}" if request.GET.get("soort") in KIND_PARAMS else ""
    return {
        "csv": reverse(name + "_csv", args=args) + query,
        "xlsx": reverse(name + "_xlsx", args=args) + query,
    }


@login_required
def report_session(request: HttpRequest, pk: int, export: str | None = None) -> HttpResponse:
    session = get_object_or_404(Session.objects.select_related("course__programme"), pk=pk)
    if not permissions.can_view_session_results(request.user, session):
        raise PermissionDenied(_("Deze resultaten zijn voor de trainers, de programmamanagers en beheerders."))
    kind = _kind(request)
    title = _("%(course)s, bijeenkomst van %(date)s") % {
        "course": session.course.title,
        "date": _local_date(session),
    }
    report = reports.build(reports.session_surveys(session, kind), title=title, kind=kind)
    name = "feedback:report_session"
    return _report_response(
        request,
        report,
        export,
        f"evaluatie-bijeenkomst-{session.pk}",
        {
            "kind_links": _kind_links(request, name, [pk]),
            "exports": _export_links(request, name, [pk]),
            "back": session.course,
        },
    )


def _local_date(session: Session) -> str:
    from django.utils import timezone
    from django.utils.formats import date_format

    return date_format(timezone.localtime(session.starts_at), "j F Y")


@login_required
def report_course(request: HttpRequest, pk: int, export: str | None = None) -> HttpResponse:
    course = get_object_or_404(Course.objects.select_related("programme"), pk=pk)
    if not permissions.can_view_course_results(request.user, course):
        raise PermissionDenied(_("Deze resultaten zijn voor de trainers, de programmamanagers en beheerders."))
    kind = _kind(request)
    report = reports.build(reports.course_surveys(course, kind), title=course.title, kind=kind)
    sessions = [
        {"session": survey.session, "url": reverse("feedback:report_session", args=[survey.session_id])}
        for survey in reports.course_surveys(course, kind).select_related("session").order_by("-session__starts_at")
        if survey.session is not None
    ]
    name = "feedback:report_course"
    return _report_response(
        request,
        report,
        export,
        f"evaluatie-cursus-{course.pk}",
        {
            "kind_links": _kind_links(request, name, [pk]),
            "exports": _export_links(request, name, [pk]),
            "back": course,
            "sessions": sessions,
        },
    )


@login_required
def report_trainer(request: HttpRequest, pk: int, export: str | None = None) -> HttpResponse:
    trainer = get_object_or_404(User, pk=pk)
    if not permissions.can_view_trainer_results(request.user, trainer):
        raise PermissionDenied(_("Deze resultaten zijn voor de trainer zelf en beheerders."))
    kind = _kind(request)
    title = _("Alle cursussen van %(name)s") % {"name": trainer.display_name}
    report = reports.build(reports.trainer_surveys(trainer, kind), title=title, kind=kind)
    name = "feedback:report_trainer"
    return _report_response(
        request,
        report,
        export,
        f"evaluatie-trainer-{trainer.pk}",
        {"kind_links": _kind_links(request, name, [pk]), "exports": _export_links(request, name, [pk])},
    )


@login_required
def report_programme(request: HttpRequest, slug: str, export: str | None = None) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_view_programme_results(request.user, programme):
        raise PermissionDenied(_("Deze resultaten zijn voor de managers van het programma en beheerders."))
    kind = _kind(request)
    report = reports.build(reports.programme_surveys(programme, kind), title=programme.name, kind=kind)
    name = "feedback:report_programme"
    courses = [
        {"course": course, "url": reverse("feedback:report_course", args=[course.pk])}
        for course in programme.courses.order_by("title")
    ]
    return _report_response(
        request,
        report,
        export,
        f"evaluatie-programma-{programme.slug}",
        {
            "kind_links": _kind_links(request, name, [slug]),
            "exports": _export_links(request, name, [slug]),
            "back": programme,
            "courses": courses,
        },
    )


@login_required
def report_survey(request: HttpRequest, pk: int, export: str | None = None) -> HttpResponse:
    survey = get_object_or_404(Survey.objects.select_related("programme", "session__course"), pk=pk, is_template=False)
    if not permissions.can_view_survey_results(request.user, survey):
        raise PermissionDenied(_("Deze resultaten zijn voor de managers van het programma en beheerders."))
    report = reports.build(reports.single_survey(survey), title=survey.display_title, kind=survey.kind)
    name = "feedback:report_survey"
    return _report_response(
        request,
        report,
        export,
        f"enquete-{survey.pk}",
        {"exports": _export_links(request, name, [pk]), "survey": survey},
    )
