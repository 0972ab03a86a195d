"""The knowledge network: who learns from whom, between organisations.

Nodes are organisations; a link goes from the organisation that offers a course (the teaching side) to the
organisation of each attendee (the learning side), weighted by attendances. Learning inside one's own organisation
is counted per node, not drawn. Read from the monthly rollups (FlowMonth, TopicFlowMonth), so the cost depends on
the number of pairs of organisations, not on registrations.

The picture is laid out deterministically: organisations on a circle, grouped by kind of government (the layers),
alphabetically within each group; the same data always gives the same picture.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from django.db.models import Aggregate, Count, QuerySet, Sum
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elkaar.accounts.models import Organisation, OrganisationKind
from elkaar.catalogue.models import Programme
from elkaar.core.models import Topic
from elkaar.impact.models import FlowFact, FlowMonth, TopicFlowMonth
from elkaar.impact.stats import Period

KIND_ORDER: list[str] = [
    OrganisationKind.MINISTRY.value,
    OrganisationKind.AGENCY.value,
    OrganisationKind.PROVINCE.value,
    OrganisationKind.WATER_BOARD.value,
    OrganisationKind.MUNICIPALITY.value,
    OrganisationKind.OTHER.value,
]
ORDER: dict[str, int] = {kind: index for index, kind in enumerate(KIND_ORDER)}
# Colours with at least 4.5:1 contrast on white, told apart by the legend's words too.
KIND_COLOURS: dict[str, str] = {
    OrganisationKind.MINISTRY.value: "#154273",
    OrganisationKind.AGENCY.value: "#7a3e00",
    OrganisationKind.PROVINCE.value: "#5c2d91",
    OrganisationKind.WATER_BOARD.value: "#006b5f",
    OrganisationKind.MUNICIPALITY.value: "#a3115e",
    OrganisationKind.OTHER.value: "#4d4d4d",
}
SIZE = 760
CENTRE = SIZE / 2
RADIUS = 250
MARGIN = 210  # room for the names around the circle
LEGEND_TOP = MARGIN + 20  # below the circle and its names
LEGEND_HEIGHT = 110
MAX_EDGES_DRAWN = 400
MAX_LABELS = 60
TOP = 10


@dataclass
class Node:
    id: int
    name: str
    slug: str
    kind: str
    taught: int = 0  # attendances of its courses by other organisations
    learned: int = 0  # its people's attendances of other organisations' courses
    internal: int = 0  # attendances inside the organisation
    partners: set[int] = field(default_factory=set)
    x: float = 0.0
    y: float = 0.0
    angle: float = 0.0

    @property
    def degree(self) -> int:
        return len(self.partners)

    @property
    def total(self) -> int:
        return self.taught + self.learned + self.internal

    @property
    def kind_label(self) -> str:
        return str(OrganisationKind(self.kind).label) if self.kind in OrganisationKind.values else self.kind


@dataclass
class Edge:
    source: Node
    target: Node
    attendees: int
    sessions: int


@dataclass
class Network:
    nodes: list[Node]
    edges: list[Edge]  # between different organisations, heaviest first
    total: int = 0  # all attendances, inside organisations included
    cross_org: int = 0
    cross_kind: int = 0

    @property
    def internal(self) -> int:
        return self.total - self.cross_org

    @property
    def cross_org_share(self) -> float | None:
        return self.cross_org / self.total if self.total else None

    @property
    def cross_kind_share(self) -> float | None:
        return self.cross_kind / self.total if self.total else None

    def most_connected(self, count: int = TOP) -> list[Node]:
        """Organisations with the most partners (teaching or learning), then the most attendances across."""
        ranked = [node for node in self.nodes if node.degree]
        return sorted(ranked, key=lambda n: (-n.degree, -(n.taught + n.learned), n.name))[:count]

    def kind_matrix(self) -> list[tuple[str, str, int]]:
        """Attendances from each kind (teaching) to each kind (learning), inside organisations included."""
        totals: dict[tuple[str, str], int] = defaultdict(int)
        for edge in self.edges:
            totals[(edge.source.kind, edge.target.kind)] += edge.attendees
        for node in self.nodes:
            if node.internal:
                totals[(node.kind, node.kind)] += node.internal
        labels: dict[str, str] = {str(value): str(label) for value, label in OrganisationKind.choices}
        return [
            (labels.get(source, source), labels.get(target, target), count)
            for (source, target), count in sorted(
                totals.items(), key=lambda item: (ORDER.get(item[0][0], 99), ORDER.get(item[0][1], 99))
            )
        ]


def build(*, topic: Topic | None = None, programme: Programme | None = None, period: Period | None = None) -> Network:
    """The network over the period, optionally for one topic and/or one programme."""
    rows: QuerySet[Any]
    if topic is not None and programme is not None:
        rows = FlowFact.objects.filter(course__topics=topic, programme=programme)
        count_field = "session"
    elif topic is not None:
        rows = TopicFlowMonth.objects.filter(topic=topic)
        count_field = "sessions"
    else:
        rows = FlowMonth.objects.all()
        if programme is not None:
            rows = rows.filter(programme=programme)
        count_field = "sessions"
    if period is not None:
        rows = rows.filter(month__gte=period.first, month__lt=period.end)
    sessions_expr: Aggregate = Count("session", distinct=True) if count_field == "session" else Sum("sessions")
    pairs = list(
        rows.values("source_id", "target_id")
        .annotate(people=Sum("attendees"), times=sessions_expr)
        .order_by()
        .values_list("source_id", "target_id", "people", "times")
    )
    ids = {org for source, target, _p, _t in pairs for org in (source, target)}
    organisations = {
        org.pk: Node(org.pk, org.name, org.slug, org.kind)
        for org in Organisation.objects.filter(pk__in=ids).only("pk", "name", "slug", "kind")
    }
    network = Network(nodes=[], edges=[])
    for source_id, target_id, people, times in pairs:
        source, target = organisations.get(source_id), organisations.get(target_id)
        if source is None or target is None or not people:
            continue
        network.total += people
        if source_id == target_id:
            source.internal += people
            continue
        network.cross_org += people
        if source.kind != target.kind:
            network.cross_kind += people
        source.taught += people
        target.learned += people
        source.partners.add(target_id)
        target.partners.add(source_id)
        network.edges.append(Edge(source, target, people, times or 0))
    network.edges.sort(key=lambda e: (-e.attendees, e.source.name, e.target.name))
    network.nodes = sorted(organisations.values(), key=lambda n: (ORDER.get(n.kind, 99), n.name.lower(), n.id))
    _layout(network.nodes)
    return network


def _layout(nodes: list[Node]) -> None:
    """Evenly on a circle in the given order (kinds together), starting at the top, clockwise."""
    count = len(nodes)
    for index, node in enumerate(nodes):
        node.angle = -math.pi / 2 + 2 * math.pi * index / max(count, 1)
        node.x = round(CENTRE + RADIUS * math.cos(node.angle), 1)
        node.y = round(CENTRE + RADIUS * math.sin(node.angle), 1)


# --- Picture -------------------------------------------------------------------------------------------------------


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)}%"


def _counts(network: Network) -> str:
    """ "12 organisaties, 30 verbindingen tussen organisaties, 85 deelnames.", each part counted on its own."""
    nodes, edges, total = len(network.nodes), len(network.edges), network.total
    parts = [
        ngettext("%(count)s organisatie", "%(count)s organisaties", nodes) % {"count": nodes},
        ngettext("%(count)s verbinding tussen organisaties", "%(count)s verbindingen tussen organisaties", edges)
        % {"count": edges},
        ngettext("%(count)s deelname", "%(count)s deelnames", total) % {"count": total},
    ]
    return ", ".join(parts) + "."


def describe(network: Network) -> str:
    top = network.most_connected(3)
    parts = [
        _counts(network),
        _(
            "%(share)s van het leren gaat over de grens van de eigen organisatie, %(layers)s over de grens van een "
            "bestuurslaag."
        )
        % {"share": _percent(network.cross_org_share), "layers": _percent(network.cross_kind_share)},
    ]
    if top:
        parts.append(
            _("Meest verbonden: %(list)s.")
            % {
                "list": "; ".join(
                    ngettext("%(name)s (%(count)s partner)", "%(name)s (%(count)s partners)", n.degree)
                    % {"name": n.name, "count": n.degree}
                    for n in top
                )
            }
        )
    parts.append(_("De tabellen onder de afbeelding geven alle cijfers."))
    return " ".join(parts)


def svg(network: Network, chart_id: str = "kennisnetwerk") -> SafeString:
    """The network as an inline SVG (role="img" with title and description); the tables next to it are the text
    alternative. At most MAX_EDGES_DRAWN links (the heaviest) and MAX_LABELS names are drawn."""
    if not network.nodes:
        return mark_safe("")
    heaviest = max((edge.attendees for edge in network.edges), default=1)
    biggest = max((node.total for node in network.nodes), default=1) or 1
    parts: list[str] = [
        f'<defs><marker id="{escape(chart_id)}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="5" '
        'markerHeight="5" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"></path></marker>'
        "</defs>"
    ]
    for edge in network.edges[:MAX_EDGES_DRAWN]:
        width = round(0.6 + 5 * edge.attendees / heaviest, 2)
        # A slight bend toward the centre keeps links in both directions apart.
        mid_x = (edge.source.x + edge.target.x) / 2 * 0.85 + CENTRE * 0.15
        mid_y = (edge.source.y + edge.target.y) / 2 * 0.85 + CENTRE * 0.15
        parts.append(
            format_html(
                '<path d="M {} {} Q {} {} {} {}" fill="none" stroke="{}" stroke-opacity="0.55" stroke-width="{}" '
                'marker-end="url(#{}-arrow)"></path>',
                edge.source.x,
                edge.source.y,
                round(mid_x, 1),
                round(mid_y, 1),
                edge.target.x,
                edge.target.y,
                KIND_COLOURS.get(edge.source.kind, "#4d4d4d"),
                width,
                chart_id,
            )
        )
    labelled = {node.id for node in sorted(network.nodes, key=lambda n: -n.total)[:MAX_LABELS]}
    for node in network.nodes:
        radius = round(3 + 9 * math.sqrt(node.total / biggest), 1)
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="#fff" stroke-width="1"></circle>',
                node.x,
                node.y,
                radius,
                KIND_COLOURS.get(node.kind, "#4d4d4d"),
            )
        )
        if node.id in labelled:
            # Names run outward along the radius, turned upright on the left half, so they never overlap a node.
            outside = RADIUS + radius + 6
            x = round(CENTRE + outside * math.cos(node.angle), 1)
            y = round(CENTRE + outside * math.sin(node.angle), 1)
            degrees = math.degrees(node.angle)
            right = math.cos(node.angle) >= 0
            rotation = round(degrees if right else degrees + 180, 1)
            name = node.name if len(node.name) <= 34 else node.name[:33] + "…"
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="{}" dominant-baseline="middle" transform="rotate({} {} {})" '
                    'fill="#1b1b1b">{}</text>',
                    x,
                    y,
                    "start" if right else "end",
                    rotation,
                    x,
                    y,
                    name,
                )
            )
    legend_y = SIZE + LEGEND_TOP
    for kind in KIND_ORDER:
        if not any(node.kind == kind for node in network.nodes):
            continue
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"></rect>'
                '<text x="{}" y="{}" fill="#1b1b1b">{}</text>',
                -MARGIN + 6,
                legend_y - 10,
                KIND_COLOURS[kind],
                -MARGIN + 24,
                legend_y,
                OrganisationKind(kind).label,
            )
        )
        legend_y += 16
    return format_html(
        '<svg class="impact-network" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="{start} {start} {width} {height}" '
        'width="100%" font-size="11" font-family="inherit" preserveAspectRatio="xMidYMid meet">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        start=-MARGIN,
        width=SIZE + 2 * MARGIN,
        height=SIZE + 2 * MARGIN + LEGEND_HEIGHT,
        title=_("Kennisnetwerk: wie leert van wie"),
        desc=describe(network),
        body=mark_safe("".join(parts)),  # noqa: S308 (each part built by format_html or fixed text)
    )


# --- Exports ---------------------------------------------------------------------------------------------------


def graphml(network: Network) -> bytes:
    """GraphML (directed), for Gephi, yEd, Cytoscape or NetworkX: organisations with their kind, links with their
    attendances and sessions; learning inside an organisation as the node's `internal`."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}graphml")
    keys = [
        ("name", "node", "string"),
        ("kind", "node", "string"),
        ("internal", "node", "int"),
        ("attendees", "edge", "int"),
        ("sessions", "edge", "int"),
    ]
    for name, scope, kind in keys:
        ET.SubElement(root, f"{{{ns}}}key", {"id": name, "for": scope, "attr.name": name, "attr.type": kind})
    graph = ET.SubElement(root, f"{{{ns}}}graph", {"id": "kennisnetwerk", "edgedefault": "directed"})
    for node in network.nodes:
        element = ET.SubElement(graph, f"{{{ns}}}node", {"id": f"o{node.id}"})
        for key, value in (("name", node.name), ("kind", node.kind), ("internal", str(node.internal))):
            ET.SubElement(element, f"{{{ns}}}data", {"key": key}).text = value
    for index, edge in enumerate(network.edges):
        element = ET.SubElement(
            graph,
            f"{{{ns}}}edge",
            {"id": f"e{index}", "source": f"o{edge.source.id}", "target": f"o{edge.target.id}"},
        )
        ET.SubElement(element, f"{{{ns}}}data", {"key": "attendees"}).text = str(edge.attendees)
        ET.SubElement(element, f"{{{ns}}}data", {"key": "sessions"}).text = str(edge.sessions)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def csv_text(network: Network) -> str:
    """One row per pair of organisations (inside an organisation too): who taught, who learned, how much."""
    from elkaar.impact.exports import safe

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Gevende organisatie"),
            _("Soort"),
            _("Lerende organisatie"),
            _("Soort"),
            _("Deelnames"),
            _("Bijeenkomsten"),
        ]
    )
    for edge in network.edges:
        writer.writerow(
            [
                safe(edge.source.name),
                edge.source.kind_label,
                safe(edge.target.name),
                edge.target.kind_label,
                edge.attendees,
                edge.sessions,
            ]
        )
    for node in network.nodes:
        if node.internal:
            writer.writerow([safe(node.name), node.kind_label, safe(node.name), node.kind_label, node.internal, ""])
    return buffer.getvalue()
