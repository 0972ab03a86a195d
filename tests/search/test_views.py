import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

URL = "/zoeken/"


def test_results_page_works_without_javascript_for_anonymous(client, course):
    response = client.get(URL, {"q": "woo verzoeken"})

    assert response.status_code == 200
    assert "<mark>Woo-verzoeken</mark>" in response.content.decode()
    assert response.context["results"].count == 1


def test_results_page_needs_login_when_catalogue_is_closed(client, course, settings):
    settings.CATALOGUE_PUBLIC = False

    response = client.get(URL, {"q": "woo"})

    assert (response.status_code, response.url.startswith(reverse("account_login"))) == (302, True)


def test_results_page_for_logged_in_user_when_catalogue_is_closed(as_bob, course, settings):
    settings.CATALOGUE_PUBLIC = False

    assert as_bob.get(URL, {"q": "woo"}).context["results"].count == 1


def test_results_page_with_htmx_returns_only_the_results_area(client, course):
    response = client.get(URL, {"q": "woo"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="search-area"')
    assert "<html" not in html


def test_results_page_invites_a_knowledge_request_when_nothing_found(client, course):
    response = client.get(URL, {"q": "kwantumfysica"})

    html = response.content.decode()
    assert "Niets gevonden" in html
    assert f'href="{reverse("demand:new")}?q=kwantumfysica"' in html


def test_knowledge_request_invitation_carries_the_query_into_the_new_request(client, as_bob, course):
    html = client.get(URL, {"q": "kwantum & fysica"}).content.decode()
    ask_url = f"{reverse('demand:new')}?q=kwantum+%26+fysica"
    assert f'href="{ask_url}"' in html

    form = as_bob.get(ask_url).context["form"]

    assert form.initial["title"] == "kwantum & fysica"


def test_results_page_offers_did_you_mean(client, course):
    response = client.get(URL, {"q": "woo verzoekn"})

    assert "Bedoelde je" in response.content.decode()


def test_results_page_filters_by_facet(client, course, topic):
    other = factories.CourseFactory(title="Woo en archief", topics=[factories.TopicFactory(name="Archiveren")])

    response = client.get(URL, {"q": "woo", "topic": topic.slug})

    assert [hit.object_id for hit in response.context["results"].items] == [course.pk]
    assert other.pk != course.pk


def test_results_page_escapes_the_query(client, course):
    response = client.get(URL, {"q": "<script>alert(1)</script>"})

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert response.status_code == 200


def test_results_page_survives_odd_parameters(client, course):
    response = client.get(URL, {"q": "woo", "type": "bogus", "sort": "x", "page": "abc", "topic": "\x00"})

    assert response.status_code == 200


def test_results_page_lists_people(client, db):
    person = factories.UserFactory(name="Sanne Expert", findable_as_expert=True, expertise_keywords="webcare")

    response = client.get(URL, {"q": "webcare", "type": "people"})

    assert [hit.object_id for hit in response.context["results"].items] == [person.pk]


def test_suggestions_return_datalist_options(client, course):
    response = client.get(reverse("search:suggestions"), {"q": "verz"})

    assert response.content.decode().strip() == (
        '<datalist id="search-suggestions"><option value="verzoeken"></option></datalist>'
    )


@pytest.mark.parametrize("path", ["/", "/cursussen/"])
def test_header_search_box_asks_for_suggestions_while_typing(client, course, path):
    html = client.get(path).content.decode()

    header_box = html.split('id="site-search-q"')[1].split(">")[0]
    assert 'list="search-suggestions"' in header_box
    assert f'hx-get="{reverse("search:suggestions")}"' in header_box
    assert 'hx-target="#search-suggestions"' in header_box
    assert html.count('<datalist id="search-suggestions">') == 1
