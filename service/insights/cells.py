"""The belief and theme cells of a reporting period's table. Pure; no I/O.

A closed period's table (DOMAIN.md, privacy rules) holds, next to the trust figures, one cell
per belief's others-rating (overall, and per relationship group where the group reaches its
minimum) and one cell per theme count (per kind — `needs` or `dreams` —, per relationship
group, per leader, and across the organization). Every cell is a set of contributions, so the
period's linear-algebra audit can write each figure as a 0/1 row over them:

- a belief cell's contributions are `(feedback id, belief id)`: n = their number, the figure
  the sum (mean = sum / n) of the ratings;
- a theme cell's contributions are `(feedback id, kind, theme key)`: the respondents whose
  answer mentions the theme, and the figure is their count.

Cells of different beliefs, themes or kinds share no contribution. What adds up inside the
table is each belief's overall cell against its relationship groups, and each organization
theme cell against the same theme's cells of every leader; both are protected by
complementary suppression. The input is one voice per respondent (the period's counted
responses, latest per respondent), as for the trust figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from service.insights import themes as theme_extraction
from service.trust.suppression import reveals_too_few, visible_groups

KINDS: tuple[str, ...] = ("needs", "dreams")
ALL = None  # the overall cell of a belief (every relationship)

Contribution = tuple[str, ...]


@dataclass(frozen=True)
class Response:
    """One counted response of the period (one voice per respondent)."""

    feedback_id: str
    leader_id: str
    relationship: str
    anonymous: bool
    belief_ratings: Mapping[str, int] = field(default_factory=dict)
    needs: str | None = None
    dreams: str | None = None


@dataclass(frozen=True)
class BeliefCell:
    """A belief's others-rating over one relationship group (`ALL`: every group)."""

    leader_id: str
    belief_id: str
    relationship: str | None
    contributions: frozenset[Contribution]
    n: int
    total: int
    shown: bool


@dataclass(frozen=True)
class ThemeCell:
    """The respondents whose `kind` answer mentions a theme: one leader's group, or the
    organization's (`leader_id` None) for that relationship."""

    leader_id: str | None
    kind: str
    relationship: str
    theme: str
    label: str
    contributions: frozenset[Contribution]
    examples: tuple[str, ...]
    shown: bool

    @property
    def count(self) -> int:
        return len(self.contributions)


def _anonymous_enough(total: int, anonymous: int, k: int) -> bool:
    """A figure mixing attributed answers (which admin keys can read one by one) and
    anonymous ones needs at least k anonymous ones."""
    return anonymous in (0, total) or anonymous >= k


def _only(members: Mapping[str, str], keep: set[str]) -> dict[str, str]:
    return {m: c for m, c in members.items() if m in keep}


def belief_cells(
    responses: Sequence[Response],
    min_group_size: int,
    manager_group_minimum: int,
) -> list[BeliefCell]:
    """Every belief cell of one leader's period (shown or not): per belief its overall cell,
    then its relationship groups.

    The overall cell shows over at least `min_group_size` respondents; the groups follow the
    trust figures' rule (`service.trust.suppression.visible_groups`: group minimums and
    complementary suppression), and then again over the anonymous answers alone, since the
    attributed ones can be read one by one and subtracted.
    """
    k = min_group_size
    anonymous = {r.feedback_id for r in responses if r.anonymous}
    beliefs = sorted({b for r in responses for b in r.belief_ratings})
    cells: list[BeliefCell] = []
    for belief in beliefs:
        rated = [r for r in responses if belief in r.belief_ratings]
        overall = {r.feedback_id: r.feedback_id for r in rated}
        groups: dict[str, dict[str, str]] = {}
        for r in rated:
            groups.setdefault(r.relationship, {})[r.feedback_id] = r.feedback_id
        anon_overall = _only(overall, anonymous)
        anon_groups = {g: _only(m, anonymous) for g, m in groups.items()}
        overall_shown = len(overall) >= k and _anonymous_enough(len(overall), len(anon_overall), k)
        candidates = {
            g: m for g, m in groups.items() if _anonymous_enough(len(m), len(anon_groups[g]), k)
        }
        visible: set[str] = set()
        if overall_shown:
            visible = set(
                visible_groups(overall, candidates, k, {"manager": manager_group_minimum})
            )
        while visible and reveals_too_few(anon_overall, anon_groups, visible, k):
            visible.remove(min(visible, key=lambda g: (len(groups[g]), g)))
        cells.append(_belief_cell(belief, rated, ALL, overall, overall_shown))
        for group in sorted(groups):
            cells.append(_belief_cell(belief, rated, group, groups[group], group in visible))
    return cells


def _belief_cell(
    belief: str,
    rated: Sequence[Response],
    group: str | None,
    members: Iterable[str],
    shown: bool,
) -> BeliefCell:
    ids = sorted(members)
    by_id = {r.feedback_id: r for r in rated}
    return BeliefCell(
        leader_id=rated[0].leader_id,
        belief_id=belief,
        relationship=group,
        contributions=frozenset((f, belief) for f in ids),
        n=len(ids),
        total=sum(by_id[f].belief_ratings[belief] for f in ids),
        shown=shown,
    )


def _shows(total: int, anonymous: int, k: int) -> bool:
    return total >= k and _anonymous_enough(total, anonymous, k)


def partition_visible(parts: Mapping[str, tuple[int, int]], k: int) -> frozenset[str]:
    """Which parts of a partition may show next to their total; `parts` maps each part to
    (respondents, of them anonymous).

    A part shows over at least `k` respondents, mixing attributed and anonymous ones only
    with at least `k` anonymous. The total minus the shown parts is the sum of the hidden
    ones, so while that sum (of respondents, or of anonymous respondents) is in 1..k − 1
    the smallest shown part (ties: by name) is hidden too. Parts are disjoint, so no other
    combination isolates fewer.
    """
    visible = {p for p, (total, anon) in parts.items() if _shows(total, anon, k)}

    def hidden_ok() -> bool:
        hidden = [parts[p] for p in parts if p not in visible]
        return all(s == 0 or s >= k for s in (sum(t for t, _ in hidden), sum(a for _, a in hidden)))

    while visible and not hidden_ok():
        visible.remove(min(visible, key=lambda p: (parts[p][0], p)))
    return frozenset(visible)


def theme_cells(responses: Sequence[Response], min_comment_group_size: int) -> list[ThemeCell]:
    """Every theme cell of the organization's period (shown or not): per kind, relationship
    and theme, each leader's cell and then the organization's.

    With k = `min_comment_group_size`: a cell shows when at least k respondents share the
    theme (and, mixing attributed and anonymous answers, at least k anonymous ones); the
    organization cell is the sum of the disjoint leader cells, so these follow
    `partition_visible`.
    """
    k = min_comment_group_size
    anonymous = {r.feedback_id for r in responses if r.anonymous}
    members: dict[tuple[str, str, str, str], set[str]] = {}
    texts: dict[tuple[str, str, str, str], list[tuple[str, str]]] = {}
    for r in responses:
        for kind in KINDS:
            text = r.needs if kind == "needs" else r.dreams
            if not text:
                continue
            for theme in theme_extraction.themes_of(text):
                key = (r.leader_id, kind, r.relationship, theme)
                members.setdefault(key, set()).add(r.feedback_id)
                texts.setdefault(key, []).append((r.feedback_id, text))
    by_family: dict[tuple[str, str, str], dict[str, set[str]]] = {}
    for (leader, kind, rel, theme), ids in members.items():
        by_family.setdefault((kind, rel, theme), {})[leader] = ids
    cells: list[ThemeCell] = []
    for (kind, rel, theme), leaders in sorted(by_family.items()):
        parts = {leader: (len(ids), len(ids & anonymous)) for leader, ids in leaders.items()}
        visible = partition_visible(parts, k)
        everyone = set().union(*leaders.values())
        org_shown = _shows(len(everyone), len(everyone & anonymous), k)
        label = theme_extraction.label(theme)
        for leader in sorted(leaders):
            shown = leader in visible
            own = texts[(leader, kind, rel, theme)]
            cells.append(
                _theme_cell(leader, kind, rel, theme, label, leaders[leader], own, shown, k)
            )
        all_texts = [t for leader in sorted(leaders) for t in texts[(leader, kind, rel, theme)]]
        cells.append(_theme_cell(None, kind, rel, theme, label, everyone, all_texts, org_shown, k))
    return cells


def _theme_cell(
    leader: str | None,
    kind: str,
    rel: str,
    theme: str,
    label: str,
    ids: set[str],
    texts: list[tuple[str, str]],
    shown: bool,
    k: int,
) -> ThemeCell:
    examples: tuple[str, ...] = ()
    if shown:
        counted = theme_extraction.count_themes(texts, k)
        examples = next((t.examples for t in counted if t.key == theme), ())
    return ThemeCell(
        leader_id=leader,
        kind=kind,
        relationship=rel,
        theme=theme,
        label=label,
        contributions=frozenset((f, kind, theme) for f in ids),
        examples=examples,
        shown=shown,
    )
