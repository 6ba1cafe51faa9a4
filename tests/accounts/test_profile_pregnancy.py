"""Pregnancy is asked only where it applies: the profile form refuses it with any sex but female."""

import pytest
from django.urls import reverse

from accounts.forms import HealthProfileForm
from accounts.models import HealthProfile, Pregnancy

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("pregnancy", [Pregnancy.YES, Pregnancy.UNSURE])
def test_male_and_pregnant_or_unsure_is_a_field_error_and_nothing_is_saved(alice_client, alice, pregnancy):
    response = alice_client.post(reverse("accounts:profile"), {"sex": "m", "pregnancy": pregnancy})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["pregnancy"]
    assert "You chose male as your sex" in errors["pregnancy"][0]
    assert getattr(HealthProfile.objects.filter(user=alice).first(), "sex", "") != "m"
    html = response.content.decode()
    assert (
        'class="nhsuk-form-group field nhsuk-form-group--error has-error"' in html
        and "You chose male as your sex" in html
    )


@pytest.mark.parametrize("pregnancy", [Pregnancy.YES, Pregnancy.UNSURE])
def test_pregnancy_without_a_sex_asks_to_choose_female(pregnancy):
    form = HealthProfileForm(data={"sex": "", "pregnancy": pregnancy})
    assert not form.is_valid()
    assert "choose female above" in form.errors["pregnancy"][0]


@pytest.mark.parametrize("pregnancy", [Pregnancy.NOT_APPLICABLE, Pregnancy.NO, ""])
def test_male_with_pregnancy_not_applicable_or_no_is_saved(alice_client, alice, pregnancy):
    response = alice_client.post(reverse("accounts:profile"), {"sex": "m", "pregnancy": pregnancy})
    assert response.status_code == 302
    profile = HealthProfile.objects.get(user=alice)
    assert profile.sex == "m" and not profile.is_pregnant


def test_female_and_pregnant_is_saved(alice_client, alice):
    response = alice_client.post(
        reverse("accounts:profile"), {"sex": "f", "pregnancy": "yes", "date_of_birth": "1994-06-01"}
    )
    assert response.status_code == 302
    assert HealthProfile.objects.get(user=alice).is_pregnant


def test_profile_page_loads_the_script_that_hides_pregnancy_unless_female(alice_client):
    html = alice_client.get(reverse("accounts:profile")).content.decode()
    assert '<script src="/static/js/profile-form.js" defer></script>' in html
    # Without JavaScript the question is still there, next to sex.
    assert 'id="id_pregnancy"' in html and 'id="id_sex"' in html
