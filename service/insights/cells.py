"""The belief and theme cells of a closed period's table. Pure; no I/O.

Next to the trust cells (`service.trust.tables`), a period's table holds for each leader

- `belief:<id>`, `belief:<id>:group:<stakeholder group>` and `belief:<id>:rel:<relationship>`:
  a belief's others-rating (n and the sum of the ratings; mean = sum / n) over everyone who
  rated it, per stakeholder group and per relationship;
- `theme:<kind>:<scope>:<key>`: the respondents whose `needs` or `dreams` answer mentions a
  theme (its count, label and, shown, a few short phrases), per relationship (the scope is
  the relationship), per stakeholder group (`group.<stakeholder group>`) and over the
  leader's whole circle (`all`);

and for the organization the theme cells over every leader's circle (`all`); and, for both,
`answered:<kind>:<scope>`: who answered `needs` (or `dreams`) at all in a scope, with how
many of its themes stayed under the threshold; and
`connection:<kind>:<key>`: a theme of the whole circle that shows and that at least
`min_group_size` respondents of each of two or more stakeholder groups mention (the
article's "opportunities and connections"; its members and count are the whole circle's).

Every cell is a set of contributions, so the period's linear-algebra audit writes each as a
0/1 row. A belief cell's figures are sums of that belief's ratings and a theme cell's count a
sum of that theme's mentions, so cells of different beliefs, themes or kinds lie over
different variables (columns `(feedback id, belief)` and `(feedback id, kind, theme)`), and
the trust cells over the trust answers. What adds up inside the table is each belief's
overall cell against its groups, and each theme's cells along relationship ⊂ stakeholder
group ⊂ leader ⊂ organization. So:

- belief cells are protected per belief by the trust cells' own rule
  (`tables.shown_cells`: minimums, then the rank test over the unknown answers, groups
  taken largest first), which is exact on a block of its own;
- theme cells of one theme and kind are a hierarchy (`nested_visible`): with k =
  `min_comment_group_size`, a cell shows over at least k respondents when, with it, every
  shown cell's respondents outside its shown sub-cells are none or at least k of the
  answers not known one by one — exactly the rank test on a laminar family.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from service.insights import naming
from service.insights import themes as extraction
from service.trust.tables import (
    Contribution,
    Rules,
    group_allows,
    known_ids,
    shown_cells,
    stakeholder_group_of,
)

KINDS: tuple[str, ...] = ("needs", "dreams")
N = TypeVar("N", bound=Hashable)
Scope = tuple[str | None, str]  # a theme cell: (leader id, None for the organization; scope)
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
        stakeholders: dict[str, list[Contribution]] = {}
        for c in rated:
            groups.setdefault(naming.belief(belief, c.relationship), []).append(c)
            stakeholder = stakeholder_group_of(c.relationship)
            stakeholders.setdefault(naming.belief_group(belief, stakeholder), []).append(c)
        overall = naming.belief(belief)
        raw = {overall: rated, **stakeholders, **groups}
        sets = {name: frozenset(c.feedback_id for c in cs) for name, cs in raw.items()}

        # A lone manager's rating shows only when they are the leader's one manager (a single
        # rating out of two or more managers is not a known respondent).
        allowed = [n for n in stakeholders if len(sets[n]) >= k] + [
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


def nested_visible(
    cells: Mapping[N, frozenset[str]],
    parent: Callable[[N], N | None],
    secret: frozenset[str],
    k: int,
) -> frozenset[N]:
    """Which cells of a hierarchy may show. `parent` gives each cell the cell that holds it
    (None at the top; a parent need not be in `cells`), so the cells are a laminar family
    (any two are disjoint or one holds the other). Greedy, in the order of `cells`, which
    must list every parent before its children.

    The span of a laminar family's indicator vectors is spanned by the *private parts* of
    its cells (a cell's members in none of its shown sub-cells), which are disjoint; so no
    vector over fewer than `k` secret members lies in the span exactly when every shown
    cell's private part holds 0 or at least `k` secret members. A cell is shown when that
    stays true for it and for its nearest shown ancestor.
    """
    private: dict[N, frozenset[str]] = {}  # shown cell -> its secret private part

    def fine(part: frozenset[str]) -> bool:
        return not part or len(part) >= k

    for name, members in cells.items():
        own = members & secret
        above = parent(name)
        while above is not None and above not in private:
            above = parent(above)
        rest = private[above] - members if above is not None else frozenset()
        if fine(own) and (above is None or fine(rest)):
            private[name] = own
            if above is not None:
                private[above] = rest
    return frozenset(private)


def theme_cells(
    contributions: Sequence[Contribution], texts: Texts, rules: Rules, min_comment_group_size: int
) -> list[InsightCell]:
    """The theme cells of the organization's period that reach `min_comment_group_size`
    respondents (shown or hidden; smaller ones are absent and not stored), at every level of
    the hierarchy relationship ⊂ stakeholder group ⊂ leader ⊂ organization: each leader's
    per relationship, per stakeholder group and over the whole circle (`all`), and the
    organization's over every leader (`contributions`: the period's counted answers of
    every leader).

    The cells of one theme of one kind are a laminar family over that theme's mentions
    (the cells of other themes and kinds lie over other variables), protected by
    `nested_visible` with k = `min_comment_group_size`; an answer a reader may know one by
    one (attributed, a lone manager's) is not secret, so a cell mixing known and anonymous
    answers shows only with at least k anonymous ones.
    """
    k = min_comment_group_size
    secret = frozenset(c.feedback_id for c in contributions) - known_ids(contributions, rules)
    blocks: dict[tuple[str, str], dict[Scope, set[str]]] = {}
    said: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    for c in contributions:
        scopes = _scopes(c)
        for kind, text in zip(KINDS, texts.get(c.feedback_id, (None, None)), strict=True):
            if not text:
                continue
            said[kind][c.feedback_id] = text
            for theme in extraction.themes_of(text):
                block = blocks.setdefault((kind, theme), {})
                for where in scopes:
                    block.setdefault(where, set()).add(c.feedback_id)
    cells = _answered_cells(contributions, texts, blocks, secret, rules.min_group_size, k)
    for (kind, theme), block in sorted(blocks.items()):
        label = extraction.label(theme)
        stored = {
            cell: frozenset(ids)
            for cell, ids in sorted(block.items(), key=_scope_order)
            if len(ids) >= k
        }
        visible = nested_visible(stored, _parent_scope, secret, k)
        for (leader, scope), ids in stored.items():
            shown = (leader, scope) in visible
            stats = _theme_stats(theme, label, ids, said[kind], shown, k)
            cells.append(InsightCell(leader, naming.theme(kind, scope, theme), ids, stats, shown))
        cells += _connections(kind, theme, label, block, visible, rules.min_group_size)
    return cells


def _answered_cells(
    contributions: Sequence[Contribution],
    texts: Texts,
    blocks: Mapping[tuple[str, str], Mapping[Scope, set[str]]],
    secret: frozenset[str],
    min_group_size: int,
    min_comment_group_size: int,
) -> list[InsightCell]:
    """`answered:<kind>:<scope>`: the respondents of a scope who answered `needs` (or
    `dreams`) at all, with how many themes of that scope stayed under
    `min_comment_group_size`; over at least `min_group_size` respondents, a hierarchy of
    its own (the variables: who answered) protected as the theme cells are."""
    answered: dict[str, dict[Scope, set[str]]] = {kind: {} for kind in KINDS}
    for c in contributions:
        for kind, text in zip(KINDS, texts.get(c.feedback_id, (None, None)), strict=True):
            if text:
                for where in _scopes(c):
                    answered[kind].setdefault(where, set()).add(c.feedback_id)
    below: dict[tuple[str, Scope], int] = {}
    for (kind, _), block in blocks.items():
        for where, mentions in block.items():
            if len(mentions) < min_comment_group_size:
                below[kind, where] = below.get((kind, where), 0) + 1
    cells: list[InsightCell] = []
    for kind in KINDS:
        stored = {
            where: frozenset(ids)
            for where, ids in sorted(answered[kind].items(), key=_scope_order)
            if len(ids) >= min_group_size
        }
        visible = nested_visible(stored, _parent_scope, secret, min_group_size)
        for (leader, scope), members in stored.items():
            stats = {"n": len(members), "below": below.get((kind, (leader, scope)), 0)}
            name = naming.answered(kind, scope)
            cells.append(InsightCell(leader, name, members, stats, (leader, scope) in visible))
    return cells


def _scopes(c: Contribution) -> list[Scope]:
    """Every cell an answer counts in: the organization's, the leader's whole circle, its
    stakeholder group and its relationship."""
    return [
        (None, naming.ALL),
        (c.leader_id, naming.ALL),
        (c.leader_id, naming.group_scope(stakeholder_group_of(c.relationship))),
        (c.leader_id, c.relationship),
    ]


def _connections(
    kind: str,
    theme: str,
    label: str,
    block: Mapping[Scope, set[str]],
    visible: frozenset[Scope],
    min_group_size: int,
) -> list[InsightCell]:
    """The connections of one theme: a leader's (or the organization's) whole-circle theme
    cell that shows, mentioned by at least `min_group_size` respondents in each of at least
    two stakeholder groups. Its figure is the whole circle's (the same respondents); which
    groups take part is said, and a group's count is its own theme cell, where that shows."""
    by_group: dict[str | None, dict[str, set[str]]] = {}
    for (leader, scope), ids in block.items():
        if scope.startswith(naming.GROUP_SCOPE):
            group = scope.removeprefix(naming.GROUP_SCOPE)
            by_group.setdefault(leader, {}).setdefault(group, set()).update(ids)
            by_group.setdefault(None, {}).setdefault(group, set()).update(ids)
    found = []
    for leader, groups in sorted(by_group.items(), key=lambda item: item[0] or ""):
        taking_part = sorted(g for g, ids in groups.items() if len(ids) >= min_group_size)
        whole = (leader, naming.ALL)
        if len(taking_part) >= 2 and whole in visible:
            members = frozenset(block[whole])
            stats = {"n": len(members), "label": label, "groups": taking_part}
            found.append(InsightCell(leader, naming.connection(kind, theme), members, stats, True))
    return found


def _depth(leader: str | None, scope: str) -> int:
    if leader is None:
        return 0  # the organization
    if scope == naming.ALL:
        return 1  # a leader's whole circle
    return 2 if scope.startswith(naming.GROUP_SCOPE) else 3


def _scope_order(item: tuple[Scope, set[str]]) -> tuple[int, int, str, str]:
    """Parents before children; in a level, the most respondents first."""
    (leader, scope), ids = item
    return _depth(leader, scope), -len(ids), leader or "", scope


def _parent_scope(cell: Scope) -> Scope | None:
    """relationship ⊂ stakeholder group ⊂ the leader's circle ⊂ the organization."""
    leader, scope = cell
    if leader is None:
        return None
    if scope == naming.ALL:
        return (None, naming.ALL)
    if scope.startswith(naming.GROUP_SCOPE):
        return (leader, naming.ALL)
    return (leader, naming.group_scope(stakeholder_group_of(scope)))


def _theme_stats(
    theme: str, label: str, ids: frozenset[str], said: Mapping[str, str], shown: bool, k: int
) -> dict[str, Any]:
    """Count and label; example phrases only for a shown cell (never stored otherwise)."""
    examples: list[str] = []
    if shown:
        counted = extraction.count_themes(((f, said[f]) for f in sorted(ids)), k)
        examples = next((list(t.examples) for t in counted if t.key == theme), [])
    return {"n": len(ids), "label": label, "examples": examples}
