"""Client addresses: X-Forwarded-For is believed only from the configured proxy networks."""

import pytest
from django.test import RequestFactory, override_settings

from articles.client_ip import client_ip
from articles.comments import ip_hash
from articles.models import Comment
from tests.commenting import post_comment
from tests.factories import make_article

PROXIES = ["10.0.0.0/8", "2001:db8:1::/48"]


def address(peer, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=peer, headers=headers))


@override_settings(TRUSTED_PROXIES=PROXIES)
@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # Straight to gunicorn from outside the proxy networks: the header is ignored.
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        ("203.0.113.9", "10.0.0.1, 198.51.100.1", "203.0.113.9"),
        # Through one trusted proxy: the address it appended.
        ("10.0.0.5", "198.51.100.1", "198.51.100.1"),
        # Through two (CDN, then nginx): the first untrusted address from the right; what
        # the client put further left is never read.
        ("10.0.0.5", "6.6.6.6, 198.51.100.1, 10.1.2.3", "198.51.100.1"),
        ("2001:db8:1::5", "2001:db8:9::7", "2001:db8:9::7"),
        # A trusted proxy without the header, or with garbage: the proxy's own address.
        ("10.0.0.5", None, "10.0.0.5"),
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("10.0.0.5", "198.51.100.1, , 10.1.2.3", "10.1.2.3"),
    ],
)
def test_forwarded_addresses_are_read_only_from_trusted_peers(peer, forwarded, expected):
    assert address(peer, forwarded) == expected


def test_with_no_proxies_configured_the_header_is_never_read():
    assert address("10.0.0.5", "198.51.100.1") == "10.0.0.5"


@pytest.mark.django_db
@override_settings(STANDFIRST_COMMENT_RATE_LIMIT=1, TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_direct_client_cannot_forge_its_way_past_the_comment_limit(client):
    article = make_article()
    forged = {"X-Forwarded-For": "198.51.100.1"}
    assert post_comment(client, article, headers=forged, ip="203.0.113.9").status_code == 303
    assert Comment.objects.get().ip_hash == ip_hash("203.0.113.9")
    forged = {"X-Forwarded-For": "198.51.100.2"}
    response = post_comment(client, article, headers=forged, ip="203.0.113.9", email="b@e.net")
    assert response.status_code == 429


def test_the_login_lockout_uses_the_same_function(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "articles.client_ip.client_ip"


def test_a_bad_proxy_network_refuses_to_start():
    from tests import djangoproc

    with pytest.raises(AssertionError, match="not an address or network"):
        djangoproc.run("print('{}')", {"DJANGO_TRUSTED_PROXIES": "10.0.0.0/8,nginx"})
