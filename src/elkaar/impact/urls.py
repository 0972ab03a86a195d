from django.urls import path

from elkaar.impact import views

app_name = "impact"


def _with_exports(route: str, view, name: str, formats: tuple[str, ...]) -> list:
    """A page and its downloads (route.csv, route.graphml, ...)."""
    return [path(route, view, name=name)] + [
        path(route.rstrip("/") + f".{fmt}", view, {"export": fmt}, name=f"{name}_{fmt}") for fmt in formats
    ]


urlpatterns: list = [
    # Dashboards and the ledger
    *_with_exports("opbrengst/", views.public_dashboard, "public", ("csv",)),
    *_with_exports("opbrengst/programma/<slug:slug>/", views.programme_dashboard, "programme", ("csv",)),
    path("opbrengst/overzicht/", views.manage, name="manage"),
    *_with_exports("opbrengst/besparing/", views.savings, "savings", ("csv",)),
    *_with_exports("opbrengst/grootboek/", views.ledger, "ledger", ("csv",)),
    path("opbrengst/uitgangspunten/", views.assumptions, name="assumptions"),
    # Knowledge network
    *_with_exports("kennisnetwerk/", views.knowledge_network, "network", ("csv", "graphml")),
    # Portfolio, certificates, recognition
    *_with_exports("mijn/portfolio/", views.my_portfolio, "portfolio", ("csv", "json", "pdf")),
    path("mijn/bewijzen/deelname/<int:registration_pk>/", views.participation_certificate, name="participation"),
    path("mijn/bewijzen/verklaring/", views.trainer_statement, name="trainer_statement"),
    path("mijn/erkenning/", views.recognition_settings, name="recognition_settings"),
    path("bewijs/", views.verify_lookup, name="verify_lookup"),
    path("bewijs/<str:code>/", views.verify, name="verify"),
    path("bewijs/<str:code>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("collega/<int:pk>/aanbevelen/", views.endorse, name="endorse"),
    path("collega/<int:pk>/aanbeveling-intrekken/", views.withdraw_endorsement, name="withdraw_endorsement"),
]
