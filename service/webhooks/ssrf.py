"""Where a webhook may go: `https` URLs whose host resolves only to global addresses.

Checked at registration and again at every delivery (DNS may change: rebinding), and the
delivery connects to the address checked here (pinned), so no second lookup can swap it.
Numeric hosts in every form `inet_aton` accepts (`2130706433`, `0177.0.0.1`, `0x7f.1`) and
IPv6 literals (with IPv4-mapped forms) are parsed as addresses, not names.

`allow_loopback` (setting `CALLING_WEBHOOKS_ALLOW_LOOPBACK`, test-only, off by default) lets
`http://` loopback receivers through, for tests.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class Refused(ValueError):
    """The URL may not receive webhooks; the message says why."""


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (for Host and TLS SNI)
    port: int
    address: str  # the checked address to connect to
    path: str  # path and query


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None and not _is_public(mapped):
            return False
    return bool(
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_unspecified
    )


def _check_host_name(host: str) -> None:
    """A DNS name is labels of 1 to 63 characters (RFC 1035 §2.3.4): `a..b.test` or
    `.test` is no name at all, and the resolver's codec would fail on it."""
    labels = host.rstrip(".").split(".")
    if len(host) > 253 or any(not 0 < len(label) <= 63 for label in labels):
        raise Refused("the host is not a valid DNS name (labels of 1 to 63 characters)")


def check(
    url: str, resolve: Resolver, *, allow_loopback: bool = False, allow_http: bool = False
) -> Target:
    """Validate `url` and resolve its host; return the pinned target or raise `Refused`.
    `allow_loopback`: a receiver on this machine (http or https) is allowed (tests, and a
    sandbox organization's receivers); `allow_http`: plain http to a public host is allowed
    (a sandbox's). Private, link-local and reserved addresses are refused whatever these say."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused("not a valid URL") from exc
    host = parts.hostname
    if parts.scheme not in {"https", "http"} or not host:
        raise Refused("must be an https URL")
    if parts.username is not None or parts.password is not None:
        raise Refused("must not hold credentials")
    port = port or (443 if parts.scheme == "https" else 80)
    literal = _literal(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        _check_host_name(host)
        try:
            found = resolve(host, port)
        except (OSError, UnicodeError) as exc:  # the idna codec refuses what DNS cannot carry
            raise Refused("the host does not resolve") from exc
        addresses = []
        for text in found:
            parsed = _literal(text.split("%", 1)[0])
            if parsed is None:
                raise Refused("the host resolves to something that is not an address")
            addresses.append(parsed)
        if not addresses:
            raise Refused("the host does not resolve")
    loopback = all(a.is_loopback for a in addresses)
    if allow_loopback and loopback:
        pass  # the exception for tests and sandboxes: http or https to this machine
    elif parts.scheme != "https" and not allow_http:
        raise Refused("must be an https URL")
    elif not all(_is_public(a) for a in addresses):
        raise Refused("the host resolves to a loopback, private, link-local or reserved address")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, host, port, str(addresses[0]), path)


def rules(sandbox: bool, loopback_setting: bool, sandbox_loopback_setting: bool) -> dict[str, bool]:
    """The `check` keywords for an organization: a sandbox may use http and (unless the
    deployment turns it off, `CALLING_SANDBOX_WEBHOOKS_ALLOW_LOOPBACK`) loopback receivers;
    a live organization keeps the rules (loopback only under the test-only setting)."""
    return {
        "allow_loopback": loopback_setting or (sandbox and sandbox_loopback_setting),
        "allow_http": sandbox,
    }
