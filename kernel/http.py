"""The address a request came from, seen through the agency's TLS proxy.

Behind a proxy every connection comes from the proxy's address; the client's is in
``X-Forwarded-For``, which anyone can write. It is believed only when the connection
comes from an address in ``ARCHIVE_TRUSTED_PROXIES``, and then read from the right:
each proxy appends the address it saw, so the first address from the right that is not
a trusted proxy is the client. Sign-in lockouts, throttles and audit events all ask here.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """Parse addresses and networks (``10.0.0.5``, ``172.16.0.0/12``, ``::1``)."""
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(request) -> str:
    """Return the client's address: REMOTE_ADDR, or X-Forwarded-For when a trusted proxy sent it."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_networks(tuple(getattr(settings, "ARCHIVE_TRUSTED_PROXIES", ())))
    peer = _address(remote)
    if peer is None or not networks or not _trusted(peer, networks):
        return remote
    client = peer
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            break  # a malformed hop: keep the last address a trusted proxy vouched for
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
