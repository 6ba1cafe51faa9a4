"""The trust pages (about, sources, privacy notice, accessibility, contact), the footer that links
them from every page, and the favicon."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.html import escape

from diagnosis.models import Disease, PresentingComplaint
from diagnosis.selectors import knowledge_sources

pytestmark = pytest.mark.django_db

TRUST_PAGES = ["about", "sources", "privacy-notice", "accessibility", "contact"]


def _h1s(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)]


@pytest.mark.parametrize("name", TRUST_PAGES)
def test_trust_pages_are_public_with_one_h1(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert len(_h1s(response.content.decode())) == 1


@pytest.mark.parametrize("name", TRUST_PAGES)
def test_trust_pages_refuse_posts(client, name):
    assert client.post(reverse(name)).status_code == 405


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/about/"])
def test_every_page_footer_links_to_all_trust_pages(client, path):
    html = client.get(path).content.decode()
    footer = html[html.index('<footer class="site-footer nhsuk-footer"') :]
    for name in TRUST_PAGES:
        assert f'href="{reverse(name)}"' in footer, name


def test_signed_in_pages_have_the_footer_links_too(alice_client):
    html = alice_client.get(reverse("diagnosis:check_start")).content.decode()
    assert f'href="{reverse("accessibility")}"' in html


def test_about_says_what_it_is_who_it_is_for_and_that_it_does_not_diagnose(client):
    html = client.get(reverse("about")).content.decode()
    assert "does not give a diagnosis" in html
    assert "aged 16 or over" in html
    assert "Under 16? Use MedPortal with a parent or carer" in html
    assert "not an NHS service" in html
    assert "999" in html  # the configured emergency number


def test_sources_lists_every_condition_and_active_complaint_with_its_source_note(client):
    html = client.get(reverse("sources")).content.decode()
    diseases = list(Disease.objects.all())
    complaints = list(PresentingComplaint.objects.filter(is_active=True))
    assert diseases and complaints
    for entry in diseases + complaints:
        assert f"<dt>{escape(entry.name)}</dt>" in html, entry.name
        assert escape(entry.source) in html, entry.name
    assert f"Conditions ({len(diseases)})" in html
    assert f"Symptoms and problems ({len(complaints)})" in html
    assert "Last updated" in html


def test_knowledge_sources_skips_retired_complaints_and_dates_each_entry():
    complaint = PresentingComplaint.objects.order_by("name").first()
    complaint.is_active = False
    complaint.save()
    sources = knowledge_sources()
    assert complaint.name not in {c["name"] for c in sources["complaints"]}
    assert len(sources["conditions"]) == Disease.objects.count()
    assert [c["name"] for c in sources["conditions"]] == sorted(c["name"] for c in sources["conditions"])
    assert all(set(c) == {"name", "source", "updated"} for c in sources["conditions"] + sources["complaints"])
    disease = Disease.objects.get(name=sources["conditions"][0]["name"])
    disease.source = "NHS page, reread."
    disease.save()  # an admin edit: a new history row
    newest = knowledge_sources()["conditions"][0]
    assert newest["source"] == "NHS page, reread."
    assert newest["updated"] == disease.history.latest().history_date


def test_knowledge_sources_reads_the_catalogue_in_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        knowledge_sources()


def test_privacy_notice_is_public_and_points_to_the_signed_in_data_page(client):
    html = client.get(reverse("privacy-notice")).content.decode()
    assert "What we store" in html and "Cookies" in html
    assert f'href="{reverse("privacy:index")}"' in html
    # /privacy/ itself stays the signed-in download/delete page.
    assert client.get(reverse("privacy:index")).status_code == 302


def test_accessibility_statement_names_the_standard_and_how_to_report_a_problem(client):
    html = client.get(reverse("accessibility")).content.decode()
    assert "WCAG" in html and "2.2" in html
    assert "Reporting a problem" in html and f'href="{reverse("contact")}"' in html


def test_contact_page_sends_medical_questions_to_the_emergency_and_urgent_numbers(client, settings):
    settings.URGENT_NUMBER = "111"
    html = client.get(reverse("contact")).content.decode()
    assert "999" in html and "call 111" in html
    assert "mailto:" not in html


def test_contact_page_shows_a_configured_address(client, settings):
    settings.CONTACT_EMAIL = "help@medportal.example"
    html = client.get(reverse("contact")).content.decode()
    assert 'href="mailto:help@medportal.example"' in html


def test_favicon_ico_redirects_to_the_svg_icon_that_every_page_links(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg"), "static/favicon.svg is missing"
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
