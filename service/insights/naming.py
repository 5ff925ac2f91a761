"""Names of the insight cells in a period's table (rows of `trust_period_cells` and
`insight_org_cells`).

- `belief:<belief id>`: a belief's others-rating over every respondent who rated it;
- `belief:<belief id>:rel:<relationship>`: the same over one relationship group;
- `theme:<kind>:<relationship>:<theme key>`: the respondents whose `needs` or `dreams`
  answer mentions the theme (theme keys may themselves hold `:`, as in `term:roadmap`).
"""

from __future__ import annotations

BELIEF = "belief:"
THEME = "theme:"


def belief(belief_id: str, relationship: str | None = None) -> str:
    if relationship is None:
        return f"{BELIEF}{belief_id}"
    return f"{BELIEF}{belief_id}:rel:{relationship}"


def theme(kind: str, relationship: str, key: str) -> str:
    return f"{THEME}{kind}:{relationship}:{key}"


def parse_theme(name: str) -> tuple[str, str, str]:
    """(kind, relationship, theme key) of a theme cell name."""
    if not name.startswith(THEME):
        raise ValueError(f"not a theme cell: {name!r}")
    kind, relationship, key = name[len(THEME) :].split(":", 2)
    return kind, relationship, key
