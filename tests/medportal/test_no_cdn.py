import re

import pytest

pytestmark = pytest.mark.django_db
EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//""")


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/", "/api/v1/docs/"])
def test_pages_load_no_asset_from_another_host(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not EXTERNAL.search(response.content.decode()), "page references an external asset"


def test_logged_in_pages_load_no_external_assets(alice_client):
    for url in ["/check/", "/profile/", "/check/history/"]:
        html = alice_client.get(url).content.decode()
        assert not EXTERNAL.search(html), url
