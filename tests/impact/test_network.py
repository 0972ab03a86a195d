"""The knowledge network: links from the teaching to the learning organisation, filters by topic, programme and
period, the figures, a deterministic picture with a table alternative, and the GraphML and CSV exports."""

from __future__ import annotations

import csv
import io
from datetime import date
from xml.etree import ElementTree as ET

import pytest
from django.urls import reverse

from elkaar.accounts.models import OrganisationKind
from elkaar.impact import network
from elkaar.impact.stats import Period
from tests import factories
from tests.impact.conftest import at, attend, held, refresh

pytestmark = pytest.mark.django_db

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
SPRING = Period(date(2025, 3, 1), date(2025, 5, 1))


@pytest.fixture
def flows(course, alice, colleagues, ministry, carol, programme):
    """March: alice's municipality course for 2 own colleagues and carol (ministry). April: a ministry course on
    another topic, in pam's programme, for 2 municipality colleagues. June: a course outside the spring period."""
    march = held(course, starts_at=at(2025, 3, 4))
    for person in colleagues(2):
        attend(person, march)
    attend(carol, march)
    other_topic = factories.TopicFactory(name="Omgevingswet")
    ministry_course = factories.CourseFactory(
        organisation=ministry, trainers=[carol], topics=[other_topic], programme=programme
    )
    april = held(ministry_course, starts_at=at(2025, 4, 8))
    for person in colleagues(2):
        attend(person, april)
    june = held(ministry_course, starts_at=at(2025, 6, 10))
    attend(colleagues(1)[0], june)
    refresh()
    return {"other_topic": other_topic}


def test_network_links_teaching_to_learning_organisations(flows):
    graph = network.build(period=SPRING)

    links = {(edge.source.name, edge.target.name): edge.attendees for edge in graph.edges}
    assert links == {("Gemeente Utrecht", "Ministerie van BZK"): 1, ("Ministerie van BZK", "Gemeente Utrecht"): 2}
    internal = {node.name: node.internal for node in graph.nodes}
    assert internal == {"Gemeente Utrecht": 2, "Ministerie van BZK": 0}
    # 5 attendances, 3 across organisations, all 3 also across layers (municipality <-> ministry).
    assert (graph.total, graph.cross_org, graph.cross_kind) == (5, 3, 3)
    assert round(graph.cross_org_share, 2) == 0.6


def test_network_filters_by_topic(flows, topic):
    graph = network.build(topic=topic, period=SPRING)

    assert [(e.source.name, e.target.name, e.attendees) for e in graph.edges] == [
        ("Gemeente Utrecht", "Ministerie van BZK", 1)
    ]


def test_network_filters_by_programme_and_topic_together(flows, programme):
    graph = network.build(topic=flows["other_topic"], programme=programme, period=SPRING)

    assert [(e.source.name, e.target.name, e.attendees) for e in graph.edges] == [
        ("Ministerie van BZK", "Gemeente Utrecht", 2)
    ]


def test_network_filters_by_period(flows):
    graph = network.build(period=Period(date(2025, 6, 1), date(2025, 6, 1)))

    assert [(e.source.name, e.target.name, e.attendees) for e in graph.edges] == [
        ("Ministerie van BZK", "Gemeente Utrecht", 1)
    ]


def test_most_connected_ranks_by_partners_then_attendances(flows, course):
    water = factories.OrganisationFactory(name="Waterschap Rivierenland", kind=OrganisationKind.WATER_BOARD)
    session = held(course, starts_at=at(2025, 5, 6))
    attend(factories.UserFactory(organisation=water), session)
    refresh()

    top = network.build(period=SPRING).most_connected()

    assert [(node.name, node.degree) for node in top] == [
        ("Gemeente Utrecht", 2),
        ("Ministerie van BZK", 1),
        ("Waterschap Rivierenland", 1),
    ]


def test_kind_matrix_counts_learning_between_layers(flows):
    matrix = network.build(period=SPRING).kind_matrix()

    ministry, municipality = str(OrganisationKind.MINISTRY.label), str(OrganisationKind.MUNICIPALITY.label)
    assert matrix == [(ministry, municipality, 2), (municipality, ministry, 1), (municipality, municipality, 2)]


def test_layout_is_deterministic_and_groups_kinds(flows):
    first = [(n.name, n.x, n.y) for n in network.build(period=SPRING).nodes]
    second = [(n.name, n.x, n.y) for n in network.build(period=SPRING).nodes]

    assert first == second
    assert [name for name, _x, _y in first] == ["Ministerie van BZK", "Gemeente Utrecht"]  # ministries first


def test_picture_is_an_accessible_svg(flows):
    picture = str(network.svg(network.build(period=SPRING)))

    assert picture.startswith('<svg class="impact-network" role="img" aria-labelledby="kennisnetwerk-title')
    assert '<desc id="kennisnetwerk-desc">2 organisaties, 2 verbindingen' in picture


def test_picture_escapes_organisation_names(course, colleagues):
    evil = factories.OrganisationFactory(name="<script>alert(1)</script>")
    session = held(course)
    attend(factories.UserFactory(organisation=evil), session)
    refresh()

    picture = str(network.svg(network.build(period=Period.recent())))

    assert "<script>" not in picture
    assert "&lt;script&gt;" in picture


def test_graphml_export_lists_nodes_and_weighted_links(client, flows):
    response = client.get(reverse("impact:network_graphml") + "?van=2025-03&tot=2025-05")

    root = ET.fromstring(response.content)  # noqa: S314 (our own export)
    graph = root.find(f"{GRAPHML}graph")
    assert graph.get("edgedefault") == "directed"
    names = {node.get("id"): node.find(f"{GRAPHML}data[@key='name']").text for node in graph.findall(f"{GRAPHML}node")}
    weights = sorted(
        (names[edge.get("source")], names[edge.get("target")], edge.find(f"{GRAPHML}data[@key='attendees']").text)
        for edge in graph.findall(f"{GRAPHML}edge")
    )
    assert weights == [("Gemeente Utrecht", "Ministerie van BZK", "1"), ("Ministerie van BZK", "Gemeente Utrecht", "2")]


def test_csv_export_has_a_row_per_pair_and_inside_organisations(client, flows):
    response = client.get(reverse("impact:network_csv") + "?van=2025-03&tot=2025-05")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] == [
        ["Ministerie van BZK", "Ministerie", "Gemeente Utrecht", "Gemeente", "2", "1"],
        ["Gemeente Utrecht", "Gemeente", "Ministerie van BZK", "Ministerie", "1", "1"],
        ["Gemeente Utrecht", "Gemeente", "Gemeente Utrecht", "Gemeente", "2", ""],
    ]


def test_network_page_shows_picture_and_tables(client, flows, topic):
    response = client.get(reverse("impact:network") + f"?van=2025-03&tot=2025-05&onderwerp={topic.slug}")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="img"' in content
    assert "Meest verbonden organisaties" in content and "Alle verbindingen" in content
    assert response.context["topic"] == topic


def test_network_page_with_unknown_topic_shows_an_error_not_a_crash(client, flows):
    response = client.get(reverse("impact:network") + "?onderwerp=bestaat-niet")

    assert response.status_code == 200
    assert "onderwerp" in response.context["form"].errors
