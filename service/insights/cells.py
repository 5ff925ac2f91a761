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
from service.trust.suppression import visible_groups

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


def _anonymous_enough(members: Iterable[str], anonymous: set[str], k: int) -> bool:
    """A figure mixing attributed and anonymous answers needs ≥ k anonymous ones."""
    ids = list(members)
    anon = sum(1 for m in ids if m in anonymous)
    return anon == len(ids) or anon == 0 or anon >= k


def belief_cells(
    responses: Sequence[Response],
    min_group_size: int,
    manager_group_minimum: int,
) -> list[BeliefCell]:
    """Every belief cell of one leader's period (shown or not), overall cells first."""
    anonymous = {r.feedback_id for r in responses if r.anonymous}
    beliefs = sorted({b for r in responses for b in r.belief_ratings})
    cells: list[BeliefCell] = []
    for belief in beliefs:
        rated = [r for r in responses if belief in r.belief_ratings]
        overall = {r.feedback_id: r.feedback_id for r in rated}
        groups: dict[str, dict[str, str]] = {}
        for r in rated:
            groups.setdefault(r.relationship, {})[r.feedback_id] = r.feedback_id
        ok = {
            g
            for g, members in groups.items()
            if _anonymous_enough(members, anonymous, min_group_size)
        }
        overall_ok = _anonymous_enough(overall, anonymous, min_group_size)
        visible = (
            visible_groups(
                overall,
                {g: m for g, m in groups.items() if g in ok},
                min_group_size,
                {"manager": manager_group_minimum},
            )
            if overall_ok
            else frozenset()
        )
        overall_shown = overall_ok and len(overall) >= min_group_size

        cells.append(_belief_cell(belief, rated, ALL, overall, overall_shown))
        for group in sorted(groups):
            shown = overall_shown and group in visible
            cells.append(_belief_cell(belief, rated, group, groups[group], shown))
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


def _hidden_sum_ok(hidden: int, k: int) -> bool:
    return hidden == 0 or hidden >= k


def partition_visible(
    counts: Mapping[str, int], k: int, withheld: Iterable[str] = ()
) -> frozenset[str]:
    """Which parts of a partition may show next to their (shown) total.

    A part shows when its count is at least `k` and it is not `withheld`; the total minus
    the shown parts is the sum of the hidden ones, so while that sum is in 1..k − 1 the
    smallest shown part (ties: by name) is hidden too. Parts are disjoint, so no other
    combination isolates fewer.
    """
    held = set(withheld)
    visible = {p for p, c in counts.items() if c >= k and p not in held}
    hidden = sum(c for p, c in counts.items() if p not in visible)
    while visible and not _hidden_sum_ok(hidden, k):
        smallest = min(visible, key=lambda p: (counts[p], p))
        visible.remove(smallest)
        hidden += counts[smallest]
    return frozenset(visible)


def theme_cells(
    responses: Sequence[Response], min_comment_group_size: int, min_group_size: int
) -> list[ThemeCell]:
    """Every theme cell of the organization's period: per leader, kind, relationship and
    theme, and the organization's per kind, relationship and theme. A cell shows when at
    least `min_comment_group_size` respondents share the theme, its anonymous and attributed
    members pass the anonymity rule, and no subtraction of shown leader cells from the shown
    organization cell isolates 1..min_comment_group_size − 1 respondents."""
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
        counts = {leader: len(ids) for leader, ids in leaders.items()}
        withheld = [
            leader
            for leader, ids in leaders.items()
            if not _anonymous_enough(ids, anonymous, min_group_size)
        ]
        everyone = set().union(*leaders.values())
        visible = partition_visible(counts, k, withheld)
        # The organization cell shows over ≥ k respondents; the leader cells are disjoint
        # parts of it, so what it reveals beyond the shown ones is the sum of the hidden
        # ones, which partition_visible keeps at 0 or ≥ k.
        org_shown = len(everyone) >= k and _anonymous_enough(everyone, anonymous, min_group_size)
        label = theme_extraction.label(theme)
        for leader in sorted(leaders):
            key = (leader, kind, rel, theme)
            shown = leader in visible
            cells.append(
                _theme_cell(leader, kind, rel, theme, label, leaders[leader], texts[key], shown, k)
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
