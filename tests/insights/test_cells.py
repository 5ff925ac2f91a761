"""Belief and theme cells of a period's table: thresholds, complementary suppression, the
anonymity rule, and the linear-algebra audit of whole random periods (trust, belief and
theme cells together)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from service.insights import naming
from service.insights.cells import InsightCell, belief_cells, nested_visible, theme_cells
from service.insights.closing import insight_table
from service.trust.linear import small_vector_in_row_space
from service.trust.tables import Contribution, Rules, counted, period_table
from tests.trust.audit import known_one_by_one, leak

T0 = datetime(2026, 1, 5, tzinfo=UTC)
RULES = Rules(min_group_size=3, manager_group_minimum=3)
SETTINGS = {"min_group_size": 3, "manager_group_minimum": 3, "min_comment_group_size": 5}


def answer(
    fid: str,
    rel: str,
    ratings: dict[str, int] | None = None,
    *,
    leader: str = "L",
    attributed: bool = False,
    value: int = 4,
) -> Contribution:
    return Contribution(
        feedback_id=fid,
        leader_id=leader,
        respondent_key=f"rk_{fid}",
        relationship=rel,
        answers=dict.fromkeys(("trust", "greater_good", "want_to_follow", "leaned_on"), value),
        attributed=attributed,
        submitted_at=T0,
        belief_ratings=ratings or {},
    )


def by_name(cells: Iterable[InsightCell]) -> dict[str, InsightCell]:
    return {c.name: c for c in cells}


# ---------------------------------------------------------------- belief cells


def test_belief_cells_hand_computed() -> None:
    # b1: direct reports 5, 4, 4, 3 (n 4, sum 16); peers 2, 3, 3 (n 3, sum 8); one supplier 5.
    # The supplier group (1 < 3) is not a candidate; overall − dr − peer would be the supplier
    # alone, so the last group taken (peer, the smaller) is left out; overall n 8, sum 29.
    ratings = [("direct_report", 5), ("direct_report", 4), ("direct_report", 4)]
    ratings += [("direct_report", 3), ("peer", 2), ("peer", 3), ("peer", 3), ("supplier", 5)]
    contributions = [answer(f"f{i}", rel, {"b1": r}) for i, (rel, r) in enumerate(ratings)]
    cells = by_name(belief_cells(contributions, RULES))
    overall = cells[naming.belief("b1")]
    assert (overall.stats, overall.shown) == ({"n": 8, "sum": 29}, True)
    dr = cells[naming.belief("b1", "direct_report")]
    assert (dr.stats, dr.shown) == ({"n": 4, "sum": 16}, True)
    assert not cells[naming.belief("b1", "peer")].shown
    assert not cells[naming.belief("b1", "supplier")].shown


def test_a_belief_rated_by_too_few_shows_nothing() -> None:
    cells = belief_cells([answer("f1", "peer", {"b1": 5}), answer("f2", "peer", {"b1": 1})], RULES)
    assert not any(c.shown for c in cells)


def test_mixing_attributed_answers_needs_enough_anonymous_ones() -> None:
    # 3 attributed + 2 anonymous: an admin reads the 3 and subtracts them → hidden.
    contributions = [answer(f"a{i}", "peer", {"b1": 4}, attributed=True) for i in range(3)]
    contributions += [answer(f"n{i}", "peer", {"b1": 2}) for i in range(2)]
    assert not by_name(belief_cells(contributions, RULES))[naming.belief("b1")].shown
    contributions.append(answer("n2", "peer", {"b1": 3}))
    assert by_name(belief_cells(contributions, RULES))[naming.belief("b1")].shown


# ---------------------------------------------------------------- theme cells


def test_nested_visible_keeps_every_private_part_empty_or_at_least_k() -> None:
    # (the caller leaves out cells under the threshold: here B = f, g, h)
    cells = {"all": frozenset("abcdefgh"), "A": frozenset("abcde")}
    parent = {"all": None, "A": "all"}.get
    # all − A = 3 (under 5): A hides
    assert nested_visible(cells, parent, frozenset("abcdefgh"), 5) == {"all"}
    # h is known one by one: all − A leaves f, g secret → still too few
    assert nested_visible(cells, parent, frozenset("abcdefg"), 5) == {"all"}
    # f, g, h all known: all − A is no secret at all
    assert nested_visible(cells, parent, frozenset("abcde"), 5) == {"all", "A"}
    # a parent missing from the cells (under the threshold): its own parent protects
    deep = {"all": frozenset("abcdefghij"), "A1": frozenset("abcde")}
    via = {"all": None, "A": "all", "A1": "A"}.get
    assert nested_visible(deep, via, frozenset("abcdefghij"), 5) == {"all", "A1"}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.booleans()), max_size=30),
    st.integers(3, 5),
)
def test_nested_visible_passes_the_audits_rank_test(
    people: list[tuple[int, int, bool]], k: int
) -> None:
    """Random two-level hierarchies (organization ⊃ leader ⊃ group): what shows passes the
    audit's independent rank test, and a cell only ever hides when it has to."""
    cells: dict[tuple[int, ...], set[str]] = {}
    secret = set()
    for i, (leader, group, known) in enumerate(people):
        for cell in [(), (leader,), (leader, group)]:
            cells.setdefault(cell, set()).add(f"f{i}")
        if not known:
            secret.add(f"f{i}")
    ordered = {
        cell: frozenset(ids)
        for cell, ids in sorted(cells.items(), key=lambda kv: (len(kv[0]), -len(kv[1]), kv[0]))
        if len(ids) >= k
    }
    shown = nested_visible(ordered, lambda c: c[:-1] if c else None, frozenset(secret), k)
    assert leak([ordered[c] for c in shown], secret, k) is None


def cells_named(
    pairs: list[tuple[Contribution, tuple[str, str | None]]], name: str
) -> set[tuple[str | None, int, bool]]:
    return {(c.leader_id, c.stats["n"], c.shown) for c in themes_of(pairs) if c.name == name}


def said(
    fid: str, leader: str, text: str, rel: str = "direct_report"
) -> tuple[Contribution, tuple[str, str | None]]:
    return answer(fid, rel, leader=leader), (fid, text)


def themes_of(
    pairs: list[tuple[Contribution, tuple[str, str | None]]], k: int = 5
) -> list[InsightCell]:
    contributions = [c for c, _ in pairs]
    texts = {fid: (text, None) for _, (fid, text) in pairs}
    return theme_cells(contributions, texts, RULES, k)


CLARITY = naming.theme("needs", "direct_report", "clarity")
CLARITY_ALL = naming.theme("needs", naming.ALL, "clarity")


def test_theme_counts_below_the_comment_threshold_are_absent() -> None:
    # L1: 6 direct reports want clearer priorities; L2: 4 (under 5: absent, not even stored).
    # org = 10; org − L1 would give L2's 4 → L1 is hidden too; the organization's 10 shows.
    pairs = [said(f"a{i}", "L1", f"Clearer priorities for team {i}") for i in range(6)]
    pairs += [said(f"b{i}", "L2", f"Clear priorities in area {i}") for i in range(4)]
    assert cells_named(pairs, CLARITY) == {("L1", 6, False)}
    assert cells_named(pairs, CLARITY_ALL) == {("L1", 6, False), (None, 10, True)}
    (org,) = [c for c in themes_of(pairs) if c.name == CLARITY_ALL and c.leader_id is None]
    assert org.stats["examples"]  # ten respondents share it: short phrases
    (l1,) = [c for c in themes_of(pairs) if c.name == CLARITY and c.leader_id == "L1"]
    assert l1.stats["examples"] == []  # hidden: no text stored
    # With L3's 5 more, org − L1 leaves 9: L1 shows (its circle, its employees and its
    # direct reports are the same six); then org − L1 − L3 would leave L2's 4, so L3 hides.
    pairs += [said(f"c{i}", "L3", f"Clarity about goals {i}") for i in range(5)]
    assert cells_named(pairs, CLARITY) == {("L1", 6, True), ("L3", 5, False)}
    assert cells_named(pairs, CLARITY_ALL) == {
        (None, 15, True),
        ("L1", 6, True),
        ("L3", 5, False),
    }


def test_a_theme_of_the_whole_circle_shows_where_no_group_reaches_the_threshold() -> None:
    """Issue 19: peers, suppliers and a customer need one shared forecast; none of their
    groups reaches 5 alone, the leader's circle does."""
    pairs = [said(f"p{i}", "L", "One shared forecast", "peer") for i in range(2)]
    pairs += [
        said(f"s{i}", "L", "Forecasts at least four weeks ahead", "supplier") for i in range(2)
    ]
    pairs += [said("c0", "L", "Gemensam prognos", "external_customer")]
    delivery = [c for c in themes_of(pairs) if c.name.endswith(":delivery")]
    assert {(c.leader_id, c.name, c.shown) for c in delivery} == {
        ("L", naming.theme("needs", naming.ALL, "delivery"), True),
        (None, naming.theme("needs", naming.ALL, "delivery"), True),  # the same five
    }
    (circle,) = [c for c in delivery if c.leader_id == "L"]
    assert circle.stats["n"] == 5


def test_a_stakeholder_group_shows_its_theme_and_its_small_relationships_stay_hidden() -> None:
    # 3 direct reports and 2 peers (employees: 5) want clarity; 6 customers want delivery.
    pairs = [said(f"d{i}", "L", "Clear goals please") for i in range(3)]
    pairs += [said(f"p{i}", "L", "Clear goals", "peer") for i in range(2)]
    pairs += [said(f"c{i}", "L", "Clear goals", "internal_customer") for i in range(5)]
    cells = {(c.leader_id, c.name): c.shown for c in themes_of(pairs)}
    employees = naming.theme("needs", naming.group_scope("employees"), "clarity")
    customers = naming.theme("needs", naming.group_scope("customers"), "clarity")
    # the whole circle (10) shows; employees (5) and customers (5) split it exactly
    assert cells[("L", CLARITY_ALL)]
    assert cells[("L", employees)] and cells[("L", customers)]
    # internal customers are all the customers: the same five
    assert cells[("L", naming.theme("needs", "internal_customer", "clarity"))]
    assert ("L", CLARITY) not in cells  # 3 direct reports: absent
    # the organization is this one leader: the same ten
    assert cells[(None, CLARITY_ALL)]


def test_example_phrases_are_short_and_never_a_whole_answer() -> None:
    pairs = [said(f"a{i}", "L1", "Clear priorities") for i in range(5)]
    pairs += [said("a9", "L1", "Clear priorities and less overtime please")]
    (cell,) = [c for c in themes_of(pairs) if c.name == CLARITY and c.leader_id]
    assert cell.shown and cell.stats["n"] == 6
    assert "clear priorities" not in cell.stats["examples"]  # five people's whole answer
    assert all(len(e.split()) <= 2 for e in cell.stats["examples"])


# ---------------------------------------------------------------- the audit

TEXTS = (
    "Clearer priorities",
    "More feedback and clear goals",
    "Less overtime, clearer priorities",
    "Tydligare mål och mer återkoppling",
    "Growth 🚀",
    "",
)
RAW = st.lists(
    st.tuples(
        st.sampled_from(["L1", "L2", "L3"]),
        st.sampled_from(
            ["direct_report"] * 3
            + ["peer", "manager", "internal_customer", "external_customer", "supplier"]
        ),
        st.sampled_from([False, False, False, True]),  # attributed: mostly not
        st.integers(1, 5),
        st.integers(1, 5),
        st.sampled_from(TEXTS),
        st.sampled_from(TEXTS),
        st.integers(0, 7),  # respondent reference: answers again supersede
    ),
    max_size=28,
)
Raw = list[tuple[str, str, bool, int, int, str, str, int]]


def period(raw: Raw) -> tuple[list[Contribution], dict[str, tuple[str | None, str | None]]]:
    contributions, texts = [], {}
    for i, (leader, rel, attributed, value, rating, needs, dreams, ref) in enumerate(raw):
        fid = f"f{i:03d}"
        contributions.append(
            Contribution(
                feedback_id=fid,
                leader_id=leader,
                respondent_key=f"{leader}-{ref}",
                relationship=rel,
                answers=dict.fromkeys(
                    ("trust", "greater_good", "want_to_follow", "leaned_on"), value
                ),
                attributed=attributed,
                submitted_at=T0.replace(minute=i % 60, hour=i // 60),
                belief_ratings={"b1": rating, "b2": 6 - rating} if i % 3 else {"b1": rating},
            )
        )
        texts[fid] = (needs or None, dreams or None)
    return contributions, texts


def columns(leader: str | None, name: str, members: Iterable[str]) -> frozenset[Hashable]:
    """A cell as a row over the variables its figure sums: trust cells over the answers,
    a belief cell over that belief's ratings, a theme cell over that theme's mentions."""
    if name.startswith(naming.BELIEF):
        belief = name[len(naming.BELIEF) :].split(":", 1)[0]
        return frozenset((f, "belief", belief) for f in members)
    if name.startswith(naming.THEME):
        kind, _, key = naming.parse_theme(name)
        return frozenset((f, kind, key) for f in members)
    if name.startswith(naming.CONNECTION):  # the whole circle's theme cell, again
        kind, key = naming.parse_connection(name)
        return frozenset((f, kind, key) for f in members)
    if name.startswith(naming.ANSWERED):
        kind = name[len(naming.ANSWERED) :].split(":", 1)[0]
        return frozenset((f, kind, "answered") for f in members)
    return frozenset(members)


@settings(max_examples=60, deadline=None)
@given(RAW, st.sampled_from([1, 3]), st.sampled_from([3, 5]))
def test_no_combination_of_a_periods_shown_cells_isolates_fewer_than_the_minimum(
    raw: Raw, manager_minimum: int, comment_minimum: int
) -> None:
    rules = Rules(min_group_size=3, manager_group_minimum=manager_minimum)
    settings_ = {
        "min_group_size": 3,
        "manager_group_minimum": manager_minimum,
        "min_comment_group_size": comment_minimum,
    }
    contributions, texts = period(raw)
    trust = period_table(contributions, rules)
    insights = insight_table(contributions, texts, settings_)
    rows = [
        columns(leader, cell.name, cell.members)
        for leader, cells in trust.items()
        for cell in cells.values()
        if cell.shown
    ]
    rows += [columns(c.leader_id, c.name, c.members) for c in insights if c.shown]
    every = counted(contributions)
    knowable = known_one_by_one(
        ((c.feedback_id, c.leader_id, c.relationship, c.attributed) for c in every),
        manager_minimum < 3,
    )
    unknown = {c.feedback_id for c in every} - knowable
    secret = {col for row in rows for col in row if _feedback(col) in unknown}
    assert not small_vector_in_row_space(rows, secret, 3)
    # Theme cells alone hold to the comment minimum.
    theme_rows = [
        columns(c.leader_id, c.name, c.members)
        for c in insights
        if c.shown and c.name.startswith(naming.THEME)
    ]
    assert not small_vector_in_row_space(theme_rows, secret, comment_minimum)
    for c in insights:
        if c.name.startswith(naming.THEME):
            assert c.stats["n"] >= comment_minimum
            assert c.shown or c.stats["examples"] == []


def _feedback(col: Hashable) -> Hashable:
    return col[0] if isinstance(col, tuple) else col


def test_the_audit_catches_a_leak() -> None:
    """The audit can fail: showing every belief group regardless of the others leaks."""
    contributions = [answer(f"d{i}", "direct_report", {"b1": 4}) for i in range(4)]
    contributions += [answer(f"p{i}", "peer", {"b1": 4}) for i in range(2)]
    rows = [
        columns("L", c.name, c.members)
        for c in belief_cells(contributions, RULES)
        if c.name != naming.belief("b1", "peer")
    ]
    secret = {col for row in rows for col in row}
    assert small_vector_in_row_space(rows, secret, 3)  # overall − direct reports = 2 peers
