"""The NHS.UK design system (nhsuk-frontend, built into static/vendor/nhsuk/ by `make frontend`):
nothing loads from another origin, no NHS branding, and the care cards match the urgency levels."""

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from diagnosis.models import SymptomSession
from medportal.templatetags.nhsuk import triage_tag_colour

BUILT_CSS = Path(settings.BASE_DIR) / "static" / "vendor" / "nhsuk" / "nhsuk.css"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
OWN_CSS = Path(settings.BASE_DIR) / "static" / "css"
# A URL to another origin wherever a page or stylesheet would load it: src/href/action attributes,
# CSS url() and @import. (An SVG's xmlns names a namespace and loads nothing.)
REMOTE = re.compile(
    r"""(?:\b(?:src|href|action)\s*=\s*["']|url\(\s*["']?|@import\s+["'])\s*(?:https?:)?//""", re.I
)

built = pytest.mark.skipif(not BUILT_CSS.exists(), reason="static/vendor/nhsuk/ not built (make frontend)")


@built
def test_the_built_css_loads_nothing_from_another_origin():
    css = BUILT_CSS.read_text(encoding="utf-8")
    assert "nhsuk-card--care--emergency" in css  # it is the design system
    assert not re.findall(r"https?://", css), "the built CSS names a remote URL"
    assert "@font-face" not in css and "Frutiger" not in css  # the webfont is switched off
    assert not REMOTE.findall(css)


@built
def test_every_url_in_the_built_css_is_a_file_we_serve():
    css = BUILT_CSS.read_text(encoding="utf-8")
    urls = set(re.findall(r"""url\(["']?([^"')]+)["']?\)""", css))
    assert urls, "expected the component icons"
    for url in urls:
        assert (BUILT_CSS.parent / url).is_file(), url


def test_templates_and_our_stylesheets_reference_no_cdn():
    files = [*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.svg"), *OWN_CSS.glob("*.css")]
    assert len(files) > 40
    remote = {
        str(f.relative_to(settings.BASE_DIR)): REMOTE.findall(f.read_text(encoding="utf-8")) for f in files
    }
    assert not {name: hits for name, hits in remote.items() if hits}


def test_the_remote_url_check_catches_a_cdn_link():
    assert REMOTE.findall('<link rel="stylesheet" href="https://cdn.example/x.css">')
    assert REMOTE.findall("<script src='//cdn.example/x.js'></script>")
    assert not REMOTE.findall('<svg xmlns="http://www.w3.org/2000/svg"></svg>')


@pytest.mark.django_db
def test_pages_use_the_design_system_without_nhs_branding(client):
    html = client.get(reverse("home")).content.decode()
    assert '<link rel="stylesheet" href="/static/vendor/nhsuk/nhsuk.css">' in html
    assert html.index("vendor/nhsuk/nhsuk.css") < html.index("css/medportal.css")  # ours refines it
    header = html[html.index("<header") : html.index("</header>")]
    assert '<a class="nhsuk-header__service-name" href="/">MedPortal</a>' in header
    assert "nhsuk-header__logo" not in html and 'aria-label="NHS' not in html and ">NHS<" not in html
    assert 'class="nhsuk-skip-link" href="#main"' in html and 'id="main"' in html
    assert "nhsuk-frontend" not in html.split("</head>")[1]  # no design-system script


@pytest.mark.parametrize(
    "triage, card, tag",
    [
        ("urgent", "nhsuk-card--care--urgent", "nhsuk-tag--orange"),
        ("gp", "nhsuk-card--care--non-urgent", "nhsuk-tag--yellow"),
        ("self_care", "nhsuk-card--care--non-urgent", "nhsuk-tag--green"),
    ],
)
@pytest.mark.django_db
def test_what_to_do_now_is_the_care_card_of_the_level(alice_client, alice, triage, card, tag):
    session = SymptomSession.objects.create(
        user=alice, symptoms=["cough"], conditions=[], triage=triage, status="complete", model_label="test"
    )
    html = alice_client.get(session.get_absolute_url()).content.decode()
    section = re.search(r'<section class="([^"]*)"[^>]*id="what-to-do"', html).group(1)
    assert section.startswith(f"nhsuk-card nhsuk-card--care {card} ")
    assert re.search(rf'<strong class="nhsuk-tag {tag}" id="triage-level">', html)
    assert re.search(r'<h1 id="result-heading" class="nhsuk-card__heading">What to do now</h1>', html)


@pytest.mark.django_db
def test_an_emergency_is_the_immediate_care_card_with_the_call_as_its_heading(alice_client, alice):
    session = SymptomSession.objects.create(
        user=alice,
        symptoms=["chest_pain"],
        conditions=[],
        triage="emergency",
        status="complete",
        model_label="t",
    )
    html = alice_client.get(session.get_absolute_url()).content.decode()
    assert (
        'class="banner-emergency nhsuk-card nhsuk-card--care nhsuk-card--care--emergency" role="alert"'
        in html
    )
    heading = re.search(
        r'<h1 id="emergency-heading" class="nhsuk-card__heading">(.*?)</h1>', html, re.S
    ).group(1)
    assert 'href="tel:' in heading


def test_an_unknown_urgency_is_never_the_green_of_self_care():
    assert triage_tag_colour("self_care") == "nhsuk-tag--green"
    assert triage_tag_colour("emergency") == "nhsuk-tag--red"
    assert (
        triage_tag_colour("") == triage_tag_colour(None) == triage_tag_colour("unclear") == "nhsuk-tag--grey"
    )


class _Form(forms.Form):
    name = forms.CharField()
    age = forms.IntegerField(widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}))
    sex = forms.ChoiceField(choices=[("f", "F"), ("m", "M")])
    note = forms.CharField(widget=forms.Textarea)
    agree = forms.BooleanField()


def test_widgets_get_the_design_system_class_and_keep_their_own():
    form = _Form(data={"name": "", "age": "4", "sex": "f", "note": "x", "agree": "on"})
    form.is_valid()
    out = {
        name: Template("{% load nhsuk %}{{ field|nhsuk_widget }}").render(Context({"field": form[name]}))
        for name in form.fields
    }
    assert 'class="nhsuk-input nhsuk-input--error"' in out["name"] and 'aria-invalid="true"' in out["name"]
    assert 'class="nhsuk-input--width-3 nhsuk-input"' in out["age"]
    assert out["sex"].startswith('<select name="sex" class="nhsuk-select"')
    assert 'class="nhsuk-textarea"' in out["note"]
    assert 'class="nhsuk-checkboxes__input"' in out["agree"]


def test_no_template_has_a_multi_line_comment_that_django_would_print():
    """{# #} ends on its own line in Django; a longer note must be {% comment %}."""
    open_ended = [
        f"{path.relative_to(TEMPLATES)}:{n}"
        for path in TEMPLATES.rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert not open_ended
