"""The shopper's address behind a proxy, for per-client rate limits.

``--forwarded-allow-ips`` (gunicorn's and uvicorn's convention) lists the
proxies whose forwarding headers are believed: comma-separated addresses or
networks, or ``*`` for any peer. Only when the connection comes from one of
them is ``X-Forwarded-For`` (or else RFC 7239 ``Forwarded``) read, from the
right: each proxy appends the address it saw, so the rightmost entry that is
not a listed proxy is the client (entries further left could be made up by
the client). With ``*`` the peer is believed for one hop: the rightmost entry.
Waitress's own ``trusted_proxy`` takes one address and a hop count, not a list.
"""

from __future__ import annotations

import ipaddress
import re


class ForwardedAllowIps:
    def __init__(self, spec: str | None):
        self.any = False
        self.networks: list = []
        for item in (spec or "").split(","):
            item = item.strip()
            if not item:
                continue
            if item == "*":
                self.any = True
                continue
            try:
                self.networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"'{item}' is not an IP address, a network or '*'") from None

    def __bool__(self) -> bool:
        return self.any or bool(self.networks)

    def listed(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        return any(ip in net for net in self.networks)

    def client(self, environ) -> str:
        """The client's address for this request (the peer's unless the peer is a listed proxy)."""
        peer = environ.get("REMOTE_ADDR", "")
        if not (self.any or self.listed(peer)):
            return peer
        hops = _x_forwarded_for(environ.get("HTTP_X_FORWARDED_FOR", "")) or _forwarded(
            environ.get("HTTP_FORWARDED", "")
        )
        if not hops:
            return peer
        if self.any:
            return hops[-1]
        for hop in reversed(hops):
            if not self.listed(hop):
                return hop
        return hops[0]  # every hop is a listed proxy: the first one is the client


def _bare(address: str) -> str:
    """An address without quotes, brackets or port: '"[2001:db8::1]:4711"' -> '2001:db8::1'."""
    address = address.strip().strip('"')
    if address.startswith("["):
        return address[1 : address.find("]")] if "]" in address else address[1:]
    if address.count(":") == 1:  # IPv4 with a port
        return address.split(":")[0]
    return address


def _x_forwarded_for(value: str) -> list[str]:
    return [_bare(hop) for hop in value.split(",") if hop.strip()]


def _forwarded(value: str) -> list[str]:
    hops = []
    for element in value.split(","):
        match = re.search(r'(?:^|;)\s*for=("[^"]*"|[^;,\s]+)', element, re.IGNORECASE)
        if match:
            hops.append(_bare(match.group(1)))
    return hops
