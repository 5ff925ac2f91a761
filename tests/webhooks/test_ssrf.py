"""Where webhooks may go: pure checks with a stub resolver (no network)."""

from __future__ import annotations

import pytest

from service.webhooks.ssrf import Refused, check

PUBLIC = "93.184.215.14"


def resolver(answers: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError("NXDOMAIN")
        return answers[host]

    return resolve


STUB = resolver(
    {
        "hooks.example.com": [PUBLIC],
        "internal.example.com": ["10.1.2.3"],
        "mixed.example.com": [PUBLIC, "192.168.1.1"],
        "v6-local.example.com": ["fd00::1"],
        "metadata.example.com": ["169.254.169.254"],
        "loop.example.com": ["127.0.0.1"],
    }
)

REFUSED = [
    "http://hooks.example.com/x",  # not https
    "ftp://hooks.example.com/x",
    "https://127.0.0.1/x",
    "https://localhost.invalid/x",  # does not resolve
    "https://2130706433/x",  # 127.0.0.1 in decimal
    "https://0177.0.0.1/x",  # octal
    "https://0x7f.0.0.1/x",  # hex
    "https://127.1/x",  # short form
    "https://[::1]/x",
    "https://[::ffff:127.0.0.1]/x",  # IPv4-mapped IPv6
    "https://[::ffff:7f00:1]/x",
    "https://10.0.0.1/x",
    "https://172.16.5.4/x",
    "https://192.168.0.1/x",
    "https://0.0.0.0/x",
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://2852039166/latest/meta-data/",  # the metadata address in decimal
    "https://0251.0376.0251.0376/",  # … and in octal
    "https://[fd00:ec2::254]/",  # AWS IPv6 metadata (unique local)
    "https://[fe80::1]/x",  # link-local
    "https://224.0.0.1/x",  # multicast
    "https://[ff02::1]/x",
    "https://100.64.0.1/x",  # carrier-grade NAT
    "https://internal.example.com/x",
    "https://mixed.example.com/x",  # one private answer is enough to refuse
    "https://v6-local.example.com/x",
    "https://metadata.example.com/x",
    "https://user:pw@hooks.example.com/x",
    "https:///x",
    "not a url",
]


@pytest.mark.parametrize("url", REFUSED)
def test_refused(url: str) -> None:
    with pytest.raises(Refused):
        check(url, STUB)


def test_a_public_host_is_pinned_to_its_checked_address() -> None:
    target = check("https://hooks.example.com:8443/in?x=1", STUB)
    assert (target.host, target.address, target.port, target.path) == (
        "hooks.example.com",
        PUBLIC,
        8443,
        "/in?x=1",
    )


def test_loopback_only_with_the_test_setting() -> None:
    with pytest.raises(Refused):
        check("http://127.0.0.1:9000/", STUB)
    assert check("http://127.0.0.1:9000/", STUB, allow_loopback=True).address == "127.0.0.1"
    assert check("http://loop.example.com:9/", STUB, allow_loopback=True).address == "127.0.0.1"
    # The setting opens loopback only, never private ranges or metadata.
    for url in ("http://10.0.0.1/", "https://169.254.169.254/", "http://hooks.example.com/"):
        with pytest.raises(Refused):
            check(url, STUB, allow_loopback=True)
