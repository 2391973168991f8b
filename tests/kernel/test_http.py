"""The client's address: X-Forwarded-For only from a trusted proxy, read from the right."""

import pytest
from django.test import RequestFactory

from kernel.http import client_address

PROXY = "10.0.0.5"


def _request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.ARCHIVE_TRUSTED_PROXIES = []
    assert client_address(_request(PROXY, "203.0.113.7")) == PROXY


def test_a_trusted_proxy_passes_on_the_clients_address(settings):
    settings.ARCHIVE_TRUSTED_PROXIES = [PROXY]
    assert client_address(_request(PROXY, "203.0.113.7")) == "203.0.113.7"


def test_an_address_the_client_wrote_itself_is_not_believed(settings):
    # nginx appends the address it saw to whatever the client sent.
    settings.ARCHIVE_TRUSTED_PROXIES = [PROXY]
    assert client_address(_request(PROXY, "198.51.100.1, 203.0.113.7")) == "203.0.113.7"


def test_a_peer_that_is_not_a_trusted_proxy_cannot_claim_an_address(settings):
    settings.ARCHIVE_TRUSTED_PROXIES = [PROXY]
    assert client_address(_request("192.0.2.9", "203.0.113.7")) == "192.0.2.9"


def test_a_chain_of_trusted_proxies_is_skipped_networks_too(settings):
    settings.ARCHIVE_TRUSTED_PROXIES = ["172.16.0.0/12", "10.0.0.5"]
    request = _request("172.18.0.1", "198.51.100.1, 203.0.113.7, 10.0.0.5")
    assert client_address(request) == "203.0.113.7"


@pytest.mark.parametrize("forwarded, expected", [
    ("", PROXY),                            # no header: the proxy itself
    ("not-an-address", PROXY),              # garbage: only what the proxy vouched for
    ("203.0.113.7:51234", "203.0.113.7"),   # with a port
    ("[2001:db8::7]:443", "2001:db8::7"),
    ("2001:db8::7", "2001:db8::7"),
])
def test_odd_forwarded_values_fall_back_to_what_the_proxy_vouched_for(settings, forwarded,
                                                                      expected):
    settings.ARCHIVE_TRUSTED_PROXIES = [PROXY]
    assert client_address(_request(PROXY, forwarded)) == expected
