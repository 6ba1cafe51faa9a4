"""Phone layout: My checks and the clinician queue turn into cards below 600 px (each cell carries
its column's name), and buttons and links in forms are at least 44 px high."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import ClinicianReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_check(alice):
    return ClinicianReviewFactory(session__user=alice, reasons=["patient_request"]).session


def _css() -> str:
    return open(finders.find("css/medportal.css"), encoding="utf-8").read()


def _assert_card_table(html: str, columns: int):
    tables = re.findall(r"<table[^>]*>.*?</table>", html, re.S)
    assert len(tables) == 1
    table = tables[0]
    assert table.startswith('<table class="nhsuk-table responsive">')
    cells = re.findall(r"<td([^>]*)>", table)
    assert cells and len(cells) % columns == 0
    assert all('data-label="' in attrs for attrs in cells), "every cell needs its column's name"
    headers = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]
    labels = re.findall(r'data-label="([^"]+)"', table)[:columns]
    assert labels == headers


def test_my_checks_table_becomes_cards(alice_client, alices_check):
    _assert_card_table(alice_client.get(reverse("diagnosis:history")).content.decode(), columns=4)


def test_review_queue_table_becomes_cards(client, bob, alices_check):
    client.force_login(bob)
    _assert_card_table(client.get(reverse("feedback:review_queue")).content.decode(), columns=5)


def test_stylesheet_turns_tables_into_cards_below_600px():
    css = _css()
    phone = css[css.index("@media (max-width:600px)") :]
    assert "table.responsive tr{" in phone and "content:attr(data-label)" in phone
    assert "table.responsive thead{position:absolute" in phone  # headers stay for screen readers


def test_stylesheet_gives_buttons_and_form_links_44px_tap_targets():
    css = _css()
    assert re.search(
        r"(^|\n)button,\.nhsuk-button,input\[type=submit\],select,\.nhsuk-input[^{]*\{min-height:44px\}", css
    )
    assert "form a{display:inline-flex;align-items:center;min-height:44px}" in css
    assert ".link-button{display:inline-flex;align-items:center;min-height:44px" in css
    assert ".rating .star{min-width:44px;min-height:44px" in css


def test_stylesheet_guards_against_sideways_scrolling():
    css = _css()
    assert "fieldset{min-width:0}" in css
    assert "main{overflow-wrap:break-word}" in css
