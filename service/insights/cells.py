"""The belief and theme cells of a closed period's table. Pure; no I/O.

Next to the trust cells (`service.trust.tables`), a period's table holds for each leader

- `belief:<id>` and `belief:<id>:rel:<relationship>`: a belief's others-rating (n and the sum
  of the ratings; mean = sum / n) over everyone who rated it, and per relationship group;
- `theme:<kind>:<relationship>:<key>`: the respondents whose `needs` or `dreams` answer
  mentions a theme (its count, label and, shown, a few short phrases);

and for the organization the same theme cells across all its leaders.

Every cell is a set of contributions, so the period's linear-algebra audit writes each as a
0/1 row. A belief cell's figures are sums of that belief's ratings and a theme cell's count a
sum of that theme's mentions, so cells of different beliefs, themes or kinds lie over
different variables (columns `(feedback id, belief)` and `(feedback id, kind, theme)`), and
the trust cells over the trust answers. What adds up inside the table is each belief's
overall cell against its groups, and each organization theme cell against the same theme's
leader cells. So:

- belief cells are protected per belief by the trust cells' own rule
  (`tables.shown_cells`: minimums, then the rank test over the unknown answers, groups
  taken largest first), which is exact on a block of its own;
- theme cells are partitions (`partition_visible`): with k = `min_comment_group_size`, a
  leader cell shows over at least k respondents (mixing known and anonymous answers only
  with at least k anonymous), and while the hidden leader cells of a theme add up to
  1..k − 1 respondents (or anonymous respondents) the smallest shown one is hidden too, so
  the organization cell minus the shown ones never isolates fewer than k.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from service.insights import naming
from service.insights import themes as extraction
from service.trust.tables import Contribution, Rules, group_allows, known_ids, shown_cells

KINDS: tuple[str, ...] = ("needs", "dreams")
Texts = Mapping[str, tuple[str | None, str | None]]  # feedback id -> (needs, dreams)


@dataclass(frozen=True)
class InsightCell:
    leader_id: str | None  # None: the organization's cell
    name: str
    members: frozenset[str]  # feedback ids (internal, never served)
    stats: dict[str, Any]
    shown: bool


def belief_cells(contributions: Sequence[Contribution], rules: Rules) -> list[InsightCell]:
    """The belief cells of one leader (`contributions`: that leader's counted answers)."""
    k = rules.min_group_size
    known = known_ids(contributions, rules)
    cells: list[InsightCell] = []
    beliefs = sorted({b for c in contributions for b in c.belief_ratings})
    for belief in beliefs:
        rated = [c for c in contributions if belief in c.belief_ratings]
        groups: dict[str, list[Contribution]] = {}
        for c in rated:
            groups.setdefault(naming.belief(belief, c.relationship), []).append(c)
        overall = naming.belief(belief)
        raw = {overall: rated, **groups}
        sets = {name: frozenset(c.feedback_id for c in cs) for name, cs in raw.items()}

        # A lone manager's rating shows only when they are the leader's one manager (a single
        # rating out of two or more managers is not a known respondent).
        allowed = [
            n
            for n in groups
            if group_allows(n.endswith(":rel:manager") and sets[n] <= known, len(sets[n]), rules)
        ]
        shown: set[str] = set()
        if len(rated) >= k:
            others = sorted(allowed, key=lambda n: (-len(sets[n]), n))
            secret = sets[overall] - known
            shown = shown_cells([(n, sets[n]) for n in [overall, *others]], secret, k)
        for name, cs in raw.items():
            stats = {"n": len(cs), "sum": sum(c.belief_ratings[belief] for c in cs)}
            cells.append(InsightCell(cs[0].leader_id, name, sets[name], stats, name in shown))
    return cells


def _anonymous_enough(total: int, unknown: int, k: int) -> bool:
    return unknown in (0, total) or unknown >= k


def _shows(total: int, unknown: int, k: int) -> bool:
    return total >= k and _anonymous_enough(total, unknown, k)


def partition_visible(parts: Mapping[str, tuple[int, int]], k: int) -> frozenset[str]:
    """Which parts of a partition may show next to their total; `parts` maps each part to
    (respondents, of them not known one by one).

    A part shows over at least `k` respondents, mixing known and unknown answers only with
    at least `k` unknown ones. The total minus the shown parts is the sum of the hidden
    ones, so while that sum (of respondents, or of unknown ones) is in 1..k − 1 the smallest
    shown part (ties: by name) is hidden too. Parts are disjoint, so no other combination
    isolates fewer.
    """
    visible = {p for p, (total, unknown) in parts.items() if _shows(total, unknown, k)}

    def hidden_ok() -> bool:
        hidden = [parts[p] for p in parts if p not in visible]
        sums = (sum(t for t, _ in hidden), sum(u for _, u in hidden))
        return all(s == 0 or s >= k for s in sums)

    while visible and not hidden_ok():
        visible.remove(min(visible, key=lambda p: (parts[p][0], p)))
    return frozenset(visible)


def theme_cells(
    contributions: Sequence[Contribution], texts: Texts, rules: Rules, min_comment_group_size: int
) -> list[InsightCell]:
    """The theme cells of the organization's period that reach `min_comment_group_size`
    respondents (shown or hidden by complementary suppression; smaller ones are absent and
    not stored): each leader's, then the organization's (`contributions`: the period's
    counted answers of every leader)."""
    k = min_comment_group_size
    unknown = {c.feedback_id for c in contributions} - known_ids(contributions, rules)
    members: dict[tuple[str, str, str], dict[str, set[str]]] = {}
    said: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    for c in contributions:
        for kind, text in zip(KINDS, texts.get(c.feedback_id, (None, None)), strict=True):
            if not text:
                continue
            said[kind][c.feedback_id] = text
            for theme in extraction.themes_of(text):
                family = members.setdefault((kind, c.relationship, theme), {})
                family.setdefault(c.leader_id, set()).add(c.feedback_id)
    cells: list[InsightCell] = []
    for (kind, relationship, theme), leaders in sorted(members.items()):
        name = naming.theme(kind, relationship, theme)
        label = extraction.label(theme)
        parts = {leader: (len(ids), len(ids & unknown)) for leader, ids in leaders.items()}
        visible = partition_visible(parts, k)
        everyone = frozenset().union(*leaders.values())
        org_shown = _shows(len(everyone), len(everyone & unknown), k)
        for leader in sorted(leaders):
            ids = frozenset(leaders[leader])
            if len(ids) < k:
                continue  # under the threshold: absent, not even stored
            shown = leader in visible
            stats = _theme_stats(theme, label, ids, said[kind], shown, k)
            cells.append(InsightCell(leader, name, ids, stats, shown))
        if len(everyone) >= k:
            stats = _theme_stats(theme, label, everyone, said[kind], org_shown, k)
            cells.append(InsightCell(None, name, everyone, stats, org_shown))
    return cells


def _theme_stats(
    theme: str, label: str, ids: frozenset[str], said: Mapping[str, str], shown: bool, k: int
) -> dict[str, Any]:
    """Count and label; example phrases only for a shown cell (never stored otherwise)."""
    examples: list[str] = []
    if shown:
        counted = extraction.count_themes(((f, said[f]) for f in sorted(ids)), k)
        examples = next((list(t.examples) for t in counted if t.key == theme), [])
    return {"n": len(ids), "label": label, "examples": examples}
