"""The demo organization's fixed ids. `calling serve` seeds the demo with exactly these
(`service.demo`), and the spec's examples (path, query and body) name them, so "Try it out"
with a prefilled example works on the demo. docs/demo.md lists them for readers.

Each is a valid id of its kind (`service.ids`): a prefix and 26 Crockford base32
characters, the same 24 of them followed by two that tell the demo's objects apart."""

from __future__ import annotations

_STEM = "01JD5ZQ8W4M3KXHNB7T2C9V6"


def _id(prefix: str, tail: str) -> str:
    return f"{prefix}_{_STEM}{tail}"


ORGANIZATION = _id("org", "RE")  # "Demo Organization"
ADMIN_KEY = _id("key", "RE")  # the admin key `calling serve` prints (shown once)
SYNC_KEY = _id("key", "RF")  # "HR sync (demo)": read and write; the key examples' key

MANAGER = _id("per", "RF")  # Maja Berg, COO: the leader's manager
LEADER = _id("per", "RE")  # Ada Lindqvist, Head of Customer Success
REPORTS = (_id("per", "RG"), _id("per", "RH"))  # Omar Nilsson, Lena Ek: the leader's team
# Their external ids, in the same order (none that the README's walkthrough creates).
EXTERNAL_IDS = ("E-1001", "E-1002", "E-1003", "E-1004")
MANAGER_EXTERNAL_ID, LEADER_EXTERNAL_ID = EXTERNAL_IDS[:2]

# The leader's three active beliefs (rated in the demo's feedback and reflection) and a draft.
ACTIVE_BELIEFS = (_id("blf", "RE"), _id("blf", "RF"), _id("blf", "RG"))
BELIEF = ACTIVE_BELIEFS[0]  # "People do their best work when they know why it matters."
DRAFT_BELIEF = _id("blf", "RH")  # "Bad news should travel faster than good news."

SUBMITTED_REFLECTION = _id("rfl", "RF")  # the self-ratings of the alignment
DRAFT_REFLECTION = _id("rfl", "RE")  # a draft: filled in, ready to submit
PROMPT = _id("rpm", "RE")  # the organization's own prompt (the built-ins' ids vary)

FEEDBACK = _id("fbk", "RE")  # the first of the closed period's answers
FEEDBACK_REQUEST = _id("frq", "RE")  # an open campaign about the leader
EVENT = _id("evt", "RE")  # the feed's first event (kept 30 days, as every event)
WEBHOOK_ENDPOINT = _id("whk", "RE")  # disabled until you point it at your receiver
# example.com is reserved for documentation (RFC 2606) and resolves to public addresses, so
# the endpoint examples pass the SSRF check; deliveries there do not arrive anywhere useful.
WEBHOOK_URL = "https://example.com/calling-webhooks"
DELIVERY = _id("dlv", "RE")  # a failed delivery to it, to redeliver

# The leader's commitments: one in progress, one done (both live the first active belief).
COMMITMENT = _id("cmt", "RE")  # in progress: "Share the quarter's priorities …"
DONE_COMMITMENT = _id("cmt", "RF")  # done
