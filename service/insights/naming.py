"""Names of the insight cells in a period's table (rows of `trust_period_cells` and
`insight_org_cells`).

- `belief:<belief id>`: a belief's others-rating over every respondent who rated it;
- `belief:<belief id>:group:<stakeholder group>`: the same over one stakeholder group;
- `belief:<belief id>:rel:<relationship>`: the same over one relationship;
- `theme:<kind>:<scope>:<theme key>`: the respondents whose `needs` or `dreams` answer
  mentions the theme, where the scope is a relationship, `group.<stakeholder group>` or
  `all` (the leader's whole circle; in the organization's table, every leader's). Theme
  keys may themselves hold `:`, as in `term:roadmap`;
- `connection:<kind>:<theme key>`: a theme of the whole circle that two or more stakeholder
  groups share;
- `answered:<kind>:<scope>`: the respondents of a scope who answered `needs` (or `dreams`).
"""

from __future__ import annotations

BELIEF = "belief:"
THEME = "theme:"
CONNECTION = "connection:"
ANSWERED = "answered:"
ALL = "all"  # a theme cell's scope: the leader's whole circle, or the organization
GROUP_SCOPE = "group."  # a theme cell's scope `group.<stakeholder group>`


def group_scope(group: str) -> str:
    return f"{GROUP_SCOPE}{group}"


def belief(belief_id: str, relationship: str | None = None) -> str:
    if relationship is None:
        return f"{BELIEF}{belief_id}"
    return f"{BELIEF}{belief_id}:rel:{relationship}"


def belief_group(belief_id: str, group: str) -> str:
    return f"{BELIEF}{belief_id}:group:{group}"


def theme(kind: str, scope: str, key: str) -> str:
    return f"{THEME}{kind}:{scope}:{key}"


def answered(kind: str, scope: str) -> str:
    return f"{ANSWERED}{kind}:{scope}"


def connection(kind: str, key: str) -> str:
    return f"{CONNECTION}{kind}:{key}"


def parse_connection(name: str) -> tuple[str, str]:
    """(kind, theme key) of a connection cell name."""
    if not name.startswith(CONNECTION):
        raise ValueError(f"not a connection cell: {name!r}")
    kind, key = name[len(CONNECTION) :].split(":", 1)
    return kind, key


def parse_theme(name: str) -> tuple[str, str, str]:
    """(kind, scope, theme key) of a theme cell name."""
    if not name.startswith(THEME):
        raise ValueError(f"not a theme cell: {name!r}")
    kind, relationship, key = name[len(THEME) :].split(":", 2)
    return kind, relationship, key
