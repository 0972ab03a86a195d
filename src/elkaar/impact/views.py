"""Impact pages: the public awareness dashboard, programme dashboards, the savings ledger and its assumptions, the
knowledge network, the personal portfolio, certificates and their verification, recognition settings and
endorsements. Each view parses, checks permissions, calls a service (or reads stats/network) and renders."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from elkaar.accounts.models import User
from elkaar.catalogue.models import Programme
from elkaar.core.models import Topic
from elkaar.core.permissions import is_admin
from elkaar.enrolment.models import Registration
from elkaar.impact import certificates, charts, network, portfolio, services, stats
from elkaar.impact import permissions as rules
from elkaar.impact.exports import csv_response, safe, share, text_response
from elkaar.impact.forms import (
    EndorseForm,
    NetworkForm,
    PeriodForm,
    PriceAssumptionForm,
    SiteAssumptionForm,
    TotalsForm,
    TrainerSettingsForm,
    add_service_errors,
)
from elkaar.impact.models import Certificate, PriceAssumption, SessionFact, SiteAssumption

LEDGER_PAGE_SIZE = 50


def _login_or_forbid(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _public_or_login(request: HttpRequest) -> HttpResponse | None:
    if rules.can_view_public_impact(request.user):
        return None
    return redirect_to_login(request.get_full_path())


# --- Dashboards ------------------------------------------------------------------------------------------------


def _month_label(month) -> str:
    from django.utils.formats import date_format

    return date_format(month, "M Y")


def _dashboard(programme: Programme | None, form: PeriodForm) -> dict:
    period = form.period()
    data = stats.dashboard(programme, period)
    months, total = data["months"], data["total"]
    chart_specs = [
        ("deelnames", _("Deelnames"), lambda f: f.participants, lambda f: str(f.participants)),
        ("uren", _("Uren geleerd"), lambda f: float(f.hours), lambda f: stats.number(f.hours)),
        ("besparing", _("Netto besparing"), lambda f: float(f.net), lambda f: "€ " + stats.euro(f.net)),
    ]
    prefix = f"programma-{programme.pk}-" if programme else ""
    return {
        "programme": programme,
        "form": form,
        "period": period,
        "total": total,
        "months": months,
        "years": data["years"],
        "charts": [
            (
                title,
                charts.column_chart(
                    prefix + chart_id,
                    title,
                    [charts.Point(_month_label(month.month), value(month), text(month)) for month in months],
                ),
            )
            for chart_id, title, value, text in chart_specs
        ],
        "assumptions": data["assumptions"],
    }


def _dashboard_csv(filename: str, context: dict) -> HttpResponse:
    header = [
        _("Maand"),
        _("Bijeenkomsten"),
        _("Cursussen"),
        _("Deelnames"),
        _("Uren geleerd"),
        _("Actieve collega-trainers"),
        _("Organisaties"),
        _("Deelnames over de organisatiegrens"),
        _("Aandeel over de organisatiegrens"),
        _("Deelnames over de grens van een bestuurslaag"),
        _("Aandeel over een bestuurslaag"),
        _("Tevredenheid (1-5)"),
        _("Aantal antwoorden tevredenheid"),
        _("Aanbevelingsscore (NPS)"),
        _("Bruto besparing (EUR)"),
        _("Interne kosten (EUR)"),
        _("Netto besparing (EUR)"),
    ]

    def row(label: str, f: stats.Figures) -> list:
        satisfaction = round(f.satisfaction, 2) if f.satisfaction is not None else ""
        score = f.recommendation_score if f.recommendation_score is not None else ""
        return [
            label,
            f.sessions,
            f.courses,
            f.participants,
            f.hours,
            f.trainers,
            f.organisations,
            f.cross_org,
            share(f.cross_org_share),
            f.cross_kind,
            share(f.cross_kind_share),
            satisfaction,
            f.satisfaction_count,
            score,
            f.gross,
            f.internal_cost,
            f.net,
        ]

    rows = [header] + [row(f"{month.month:%Y-%m}", month) for month in context["months"]]
    rows.append(row(_("Totaal"), context["total"]))
    rows.append([])
    rows.append([_("Uitgangspunten"), _("Geldig vanaf"), _("Waarden"), _("Bijeenkomsten"), _("Bron")])
    for use in context["assumptions"]:
        rows.append([f"{use.reference} {use.label}", use.valid_from.isoformat(), use.values, use.sessions, use.source])
    return csv_response(filename, rows)


def public_dashboard(request: HttpRequest, export: str | None = None) -> HttpResponse:
    """Site-wide figures for awareness: no person anywhere, only sums."""
    if (response := _public_or_login(request)) is not None:
        return response
    context = _dashboard(None, PeriodForm(request.GET))
    if export == "csv":
        return _dashboard_csv("elkaar-opbrengst.csv", context)
    return render(request, "impact/dashboard.html", context)


def programme_dashboard(request: HttpRequest, slug: str, export: str | None = None) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not rules.can_view_programme_impact(request.user, programme):
        return _login_or_forbid(request)
    context = _dashboard(programme, PeriodForm(request.GET))
    if export == "csv":
        return _dashboard_csv(f"elkaar-opbrengst-{programme.slug}.csv", context)
    return render(request, "impact/dashboard.html", context)


def manage(request: HttpRequest) -> HttpResponse:
    """The dashboards a programme manager (their programmes) or administrator (all) may open."""
    if not rules.can_view_manager_dashboards(request.user):
        return _login_or_forbid(request)
    programmes = Programme.objects.order_by("name")
    if not is_admin(request.user):
        programmes = programmes.filter(managers__pk=request.user.pk or 0)
    return render(request, "impact/manage.html", {"programmes": list(programmes), "is_admin": is_admin(request.user)})


def _scope(request: HttpRequest) -> Programme | None:
    """The programme asked for (`programma`), which the user must manage; none means the site (administrators)."""
    slug = request.GET.get("programma", "")
    if slug:
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            raise Http404
        if not rules.can_view_programme_impact(request.user, programme):
            raise PermissionDenied
        return programme
    if not rules.can_view_site_ledger(request.user):
        raise PermissionDenied
    return None


def savings(request: HttpRequest, export: str | None = None) -> HttpResponse:
    """Savings per programme, organisation, kind of organisation or the whole site, per month or year."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    programme = _scope(request)
    form = TotalsForm(request.GET)
    period = form.period()
    cleaned = getattr(form, "cleaned_data", {})
    by = cleaned.get("per") or "organisation"
    per = cleaned.get("tijd") or "year"
    rows = stats.totals(by, per, programme, period)
    summary = stats.dashboard(programme, period)
    assumptions = summary["assumptions"]
    if export == "csv":
        header = [
            str(stats.DIMENSIONS[by]),
            _("Periode"),
            _("Bijeenkomsten gegeven"),
            _("Deelnames"),
            _("Uren geleerd"),
            _("Bruto besparing (EUR)"),
            _("Kosten deelnemersuren (EUR)"),
            _("Kosten trainersuren (EUR)"),
            _("Netto besparing (EUR)"),
        ]
        lines = [header] + [
            [
                row.group,
                f"{row.bucket:%Y}" if per == "year" else f"{row.bucket:%Y-%m}",
                row.sessions,
                row.participants,
                row.hours,
                row.gross,
                row.participant_cost,
                row.trainer_cost,
                row.net,
            ]
            for row in rows
        ]
        lines.append([])
        lines.append([_("Uitgangspunten"), _("Geldig vanaf"), _("Waarden"), _("Bijeenkomsten"), _("Bron")])
        lines += [
            [f"{use.reference} {use.label}", use.valid_from.isoformat(), use.values, use.sessions, use.source]
            for use in assumptions
        ]
        name = f"elkaar-besparing-{programme.slug if programme else 'site'}-{by}-{per}.csv"
        return csv_response(name, lines)
    return render(
        request,
        "impact/savings.html",
        {
            "programme": programme,
            "form": form,
            "period": period,
            "rows": rows,
            "by": by,
            "per": per,
            "by_label": stats.DIMENSIONS[by],
            "keep": [("programma", programme.slug)] if programme else [],
            "assumptions": assumptions,
            "total": summary["total"],
        },
    )


def _ledger_facts(programme: Programme | None, period: stats.Period) -> QuerySet[SessionFact]:
    return (
        stats.facts(programme, period)
        .select_related("course", "organisation", "site_assumption", "price_assumption")
        .order_by("-day", "-session_id")
    )


def _ledger_csv(filename: str, queryset: QuerySet[SessionFact]) -> StreamingHttpResponse:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(
            [
                _("Datum"),
                _("Bijeenkomst"),
                _("Cursus"),
                _("Organisatie"),
                _("Deelnemers"),
                _("Uren"),
                _("Trainers"),
                _("Externe prijs per deelnemersuur (EUR)"),
                _("Herkomst van de prijs"),
                _("Intern uurtarief (EUR)"),
                _("Voorbereidingsuren per trainer"),
                _("Bruto besparing (EUR)"),
                _("Kosten deelnemersuren (EUR)"),
                _("Kosten trainersuren (EUR)"),
                _("Netto besparing (EUR)"),
                _("Uitgangspunten"),
            ]
        )
        for fact in queryset.iterator(chunk_size=2000):
            references = [
                ref for ref in (_ref(fact.site_assumption_id, "S"), _ref(fact.price_assumption_id, "P")) if ref
            ]
            yield writer.writerow(
                [
                    fact.day.isoformat(),
                    fact.session_id,
                    safe(fact.course.title),
                    safe(fact.organisation.name),
                    fact.attendees,
                    round(fact.hours, 2),
                    fact.trainers,
                    fact.external_price_per_hour,
                    stats.price_source_label(fact.price_source),
                    fact.internal_hourly_rate,
                    fact.preparation_hours,
                    fact.gross,
                    fact.participant_cost,
                    fact.trainer_cost,
                    fact.net,
                    " ".join(references),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _ref(pk: int | None, letter: str) -> str:
    return f"{letter}{pk}" if pk else ""


def ledger(request: HttpRequest, export: str | None = None) -> HttpResponseBase:
    """The ledger line of every session that took place, with the assumptions it was computed with."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    programme = _scope(request)
    form = PeriodForm(request.GET)
    period = form.period()
    queryset = _ledger_facts(programme, period)
    if export == "csv":
        return _ledger_csv(f"elkaar-grootboek-{programme.slug if programme else 'site'}.csv", queryset)
    page = Paginator(queryset, LEDGER_PAGE_SIZE).get_page(request.GET.get("pagina"))
    summary = stats.dashboard(programme, period)
    return render(
        request,
        "impact/ledger.html",
        {
            "programme": programme,
            "form": form,
            "period": period,
            "page": page,
            "keep": [("programma", programme.slug)] if programme else [],
            "total": summary["total"],
            "assumptions": summary["assumptions"],
        },
    )


# --- Assumptions -----------------------------------------------------------------------------------------------


def assumptions(request: HttpRequest) -> HttpResponse:
    """Every assumption row, newest first (public: they explain the public figures); administrators add and remove
    rows here as well as in the admin."""
    if (response := _public_or_login(request)) is not None:
        return response
    can_manage = rules.can_manage_assumptions(request.user)
    site_form = SiteAssumptionForm(prefix="site")
    price_form = PriceAssumptionForm(prefix="price")
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "site":
                site_form = SiteAssumptionForm(request.POST, prefix="site")
                if site_form.is_valid():
                    services.add_site_assumption(request.user, **site_form.cleaned_data)  # type: ignore[arg-type]
                    messages.success(request, _("De uitgangspunten zijn vastgelegd; de cijfers worden herberekend."))
                    return redirect("impact:assumptions")
            elif action == "price":
                price_form = PriceAssumptionForm(request.POST, prefix="price")
                if price_form.is_valid():
                    services.add_price_assumption(request.user, **price_form.cleaned_data)  # type: ignore[arg-type]
                    messages.success(request, _("De prijs is vastgelegd; de cijfers worden herberekend."))
                    return redirect("impact:assumptions")
            elif action in ("delete-site", "delete-price"):
                model = SiteAssumption if action == "delete-site" else PriceAssumption
                row = model.objects.filter(pk=_int(request.POST.get("pk")) or 0).first()
                if row is None:
                    raise Http404
                services.delete_assumption(request.user, row)  # type: ignore[arg-type]
                messages.success(request, _("De regel is verwijderd; de cijfers worden herberekend."))
                return redirect("impact:assumptions")
            else:
                messages.error(request, _("Onbekende actie."))
        except ValidationError as error:
            if action == "site":
                add_service_errors(site_form, error)
            elif action == "price":
                add_service_errors(price_form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("impact:assumptions")
    site_rows = list(SiteAssumption.objects.order_by("-valid_from"))
    price_rows = list(PriceAssumption.objects.select_related("programme", "topic").order_by("-valid_from", "pk"))
    return render(
        request,
        "impact/assumptions.html",
        {
            "site_rows": [(row, stats.site_use(row)) for row in site_rows],
            "price_rows": [(row, stats.price_use(row)) for row in price_rows],
            "can_manage": can_manage,
            "site_form": site_form,
            "price_form": price_form,
        },
    )


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


# --- Knowledge network -----------------------------------------------------------------------------------------


def knowledge_network(request: HttpRequest, export: str | None = None) -> HttpResponse:
    if (response := _public_or_login(request)) is not None:
        return response
    form = NetworkForm(request.GET)
    period = form.period()
    cleaned = getattr(form, "cleaned_data", {})
    topic, programme = cleaned.get("onderwerp"), cleaned.get("programma")
    graph = stats.cached(
        "network",
        (topic.pk if topic else None, programme.pk if programme else None, period),
        lambda: network.build(topic=topic, programme=programme, period=period),
    )
    stem = "elkaar-kennisnetwerk" + (f"-{topic.slug}" if topic else "") + (f"-{programme.slug}" if programme else "")
    if export == "graphml":
        return text_response(f"{stem}.graphml", network.graphml(graph), "application/graphml+xml")
    if export == "csv":
        return text_response(f"{stem}.csv", network.csv_text(graph), "text/csv; charset=utf-8")
    return render(
        request,
        "impact/network.html",
        {
            "form": form,
            "period": period,
            "topic": topic,
            "programme": programme,
            "graph": graph,
            "picture": network.svg(graph),
            "most_connected": graph.most_connected(),
            "kind_matrix": graph.kind_matrix(),
            "edges": graph.edges[: network.MAX_EDGES_DRAWN],
            "edges_left_out": max(len(graph.edges) - network.MAX_EDGES_DRAWN, 0),
            "query": request.GET.urlencode(),
        },
    )


# --- Portfolio and certificates --------------------------------------------------------------------------------


@login_required
def my_portfolio(request: HttpRequest, export: str | None = None) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    data = portfolio.build(user)
    if export == "csv":
        return text_response("elkaar-portfolio.csv", portfolio.as_csv(data), "text/csv; charset=utf-8")
    if export == "json":
        return text_response("elkaar-portfolio.json", portfolio.as_json(data), "application/json")
    if export == "pdf":
        return text_response("elkaar-portfolio.pdf", portfolio.as_pdf(data), "application/pdf")
    return render(request, "impact/portfolio.html", {"portfolio": data})


def _pdf(certificate: Certificate) -> HttpResponse:
    name = "deelnamebewijs" if certificate.kind == "participation" else "verklaring-trainer"
    return text_response(
        f"elkaar-{name}-{certificate.code}.pdf", certificates.render_pdf(certificate), "application/pdf"
    )


@login_required
@require_POST
def participation_certificate(request: HttpRequest, registration_pk: int) -> HttpResponse:
    registration = get_object_or_404(
        Registration.objects.select_related("session__course__organisation", "user__organisation"),
        pk=registration_pk,
        user=request.user,
    )
    certificate = services.issue_participation_certificate(request.user, registration)  # type: ignore[arg-type]
    return _pdf(certificate)


@login_required
@require_POST
def trainer_statement(request: HttpRequest) -> HttpResponse:
    certificate = services.issue_trainer_statement(request.user)  # type: ignore[arg-type]
    return _pdf(certificate)


@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Download an issued certificate again: its holder and administrators."""
    certificate = get_object_or_404(Certificate, code=code)
    if certificate.holder_id != request.user.pk and not is_admin(request.user):
        raise Http404
    return _pdf(certificate)


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Whether a certificate is genuine, and what was issued: for anyone who has the link (such as an employer)."""
    certificate = Certificate.objects.select_related("holder").filter(code=code[:40]).first()
    genuine = certificates.is_genuine(certificate)
    status = 200 if genuine else 404
    return render(
        request,
        "impact/verify.html",
        {
            "certificate": certificate if genuine else None,
            "code": code[:40],
            "revoked": certificate is not None and certificate.revoked_at is not None,
            "lines": certificates.lines(certificate) if genuine and certificate else [],
            "title": certificates.title(certificate) if genuine and certificate else "",
            "intro": certificates.intro(certificate) if genuine and certificate else "",
        },
        status=status,
    )


def verify_lookup(request: HttpRequest) -> HttpResponse:
    code = (request.GET.get("code") or "").strip()
    if code:
        return redirect("impact:verify", code=code[:40])
    return render(request, "impact/verify_lookup.html", {})


# --- Recognition -----------------------------------------------------------------------------------------------


@login_required
def recognition_settings(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    current = services.trainer_settings(user)
    form = TrainerSettingsForm(
        request.POST if request.method == "POST" else None, initial={"manager_email": current.manager_email}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_trainer_settings(user, manager_email=form.cleaned_data["manager_email"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Je instellingen zijn opgeslagen."))
            return redirect("impact:recognition_settings")
    return render(request, "impact/recognition_settings.html", {"form": form})


@login_required
@require_POST
def endorse(request: HttpRequest, pk: int) -> HttpResponse:
    trainer = get_object_or_404(User, pk=pk, is_active=True)
    topics = services.endorsable_topics(request.user, trainer)  # type: ignore[arg-type]
    if not rules.can_endorse(request.user, trainer):
        raise PermissionDenied(_("Alleen wie een bijeenkomst van deze collega bijwoonde, kan een aanbeveling geven."))
    form = EndorseForm(request.POST, topics=topics)
    if form.is_valid():
        _endorsement, created = services.endorse(request.user, trainer, form.cleaned_data["topic"])  # type: ignore[arg-type]
        if created:
            messages.success(request, _("Dank je! Je aanbeveling staat op het profiel."))
        else:
            messages.info(request, _("Je had deze collega hiervoor al aanbevolen."))
    else:
        messages.error(request, _("Kies een onderwerp van een cursus die je bij deze collega volgde."))
    return redirect(reverse("accounts:profile", args=[trainer.pk]) + "#erkenning")


@login_required
@require_POST
def withdraw_endorsement(request: HttpRequest, pk: int) -> HttpResponse:
    trainer = get_object_or_404(User, pk=pk)
    topic = Topic.objects.filter(pk=_int(request.POST.get("topic")) or 0).first()
    if topic is None:
        raise Http404
    if services.withdraw_endorsement(request.user, trainer, topic):  # type: ignore[arg-type]
        messages.success(request, _("Je aanbeveling is ingetrokken."))
    return redirect(reverse("accounts:profile", args=[trainer.pk]) + "#erkenning")
