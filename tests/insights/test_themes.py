"""Theme extraction: the written corpus gives the expected themes; any Unicode is handled;
extraction is deterministic; counts are of distinct respondents; phrases stay short."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.insights import themes
from service.insights.themes import count_themes, detect_language, phrases_of, terms, themes_of
from tests.insights.corpus import CORPUS, Answer

STAKEHOLDERS = (
    "direct_report",
    "peer",
    "manager",
    "internal_customer",
    "external_customer",
    "supplier",
)

# Read off the corpus by hand (tests/insights/corpus.py): the three most shared themes of each
# kind and stakeholder type, with the number of distinct respondents mentioning each ("team"
# and "teams" are collaboration; an everyday word is no theme of its own).
EXPECTED_TOP = {
    ("needs", "direct_report"): [("clarity", 8), ("workload", 5), ("recognition", 4)],
    ("needs", "peer"): [("communication", 8), ("collaboration", 6), ("autonomy", 4)],
    ("needs", "manager"): [("clarity", 8), ("communication", 7), ("delivery", 3)],
    ("needs", "internal_customer"): [("communication", 8), ("clarity", 6), ("delivery", 5)],
    ("needs", "external_customer"): [("delivery", 6), ("communication", 5), ("clarity", 4)],
    ("needs", "supplier"): [("delivery", 16), ("clarity", 3), ("communication", 2)],
    ("dreams", "direct_report"): [("growth", 10), ("autonomy", 6), ("customers", 3)],
    ("dreams", "peer"): [("collaboration", 12), ("innovation", 4), ("clarity", 2)],
    ("dreams", "manager"): [("growth", 9), ("collaboration", 7), ("customers", 5)],
    ("dreams", "internal_customer"): [("customers", 7), ("collaboration", 5), ("innovation", 4)],
    ("dreams", "external_customer"): [("customers", 5), ("innovation", 5), ("term:product", 4)],
    ("dreams", "supplier"): [("collaboration", 8), ("innovation", 6), ("growth", 4)],
}


def answers_of(kind: str, relationship: str) -> list[tuple[str, str]]:
    out = []
    for a in CORPUS:
        text = a.needs if kind == "needs" else a.dreams
        if a.relationship == relationship and text:
            out.append((a.respondent, text))
    return out


def texts(corpus: list[Answer]) -> list[str]:
    return [t for a in corpus for t in (a.needs, a.dreams) if t]


# ---------------------------------------------------------------- the corpus


def test_the_corpus_is_what_the_acceptance_asks_for() -> None:
    all_texts = texts(CORPUS)
    assert len(all_texts) >= 200
    assert {a.relationship for a in CORPUS} == set(STAKEHOLDERS)
    swedish = [t for t in all_texts if detect_language(t) == "sv"]
    assert len(swedish) >= 20
    emoji = [t for t in all_texts if any(ord(c) >= 0x1F300 for c in t)]
    assert len(emoji) >= 10


@pytest.mark.parametrize(("kind", "relationship"), sorted(EXPECTED_TOP))
def test_corpus_yields_the_expected_top_themes(kind: str, relationship: str) -> None:
    top = count_themes(answers_of(kind, relationship), min_comment_group_size=5)[:3]
    assert [(t.key, t.count) for t in top] == EXPECTED_TOP[(kind, relationship)]


def test_english_and_swedish_answers_meet_in_one_theme() -> None:
    # "Clear priorities…" and "Tydligare prioriteringar…" are one theme, counted per person.
    answers = [
        ("a", "Clear priorities and less overtime."),
        ("b", "Tydligare prioriteringar och mindre övertid."),
        ("c", "Vi behöver tydliga mål."),
    ]
    counted = {t.key: t.count for t in count_themes(answers, 5)}
    assert counted["clarity"] == 3
    assert counted["workload"] == 2
    assert detect_language(answers[1][1]) == "sv"
    assert detect_language(answers[0][1]) == "en"


def test_extraction_explains_itself_word_by_word() -> None:
    explained = [(t.word, t.lemma, t.theme) for t in terms("Kunderna behöver fler verktyg 🛠️")]
    assert explained == [
        ("kunderna", "kund", "customers"),
        ("behöver", "behöva", None),  # echoes the question
        ("fler", "många", None),  # a Swedish stop word
        ("verktyg", "verktyg", "tools"),
    ]
    assert themes.label("customers") == "Customers"
    assert themes.label("term:roadmap") == "roadmap"


@pytest.mark.parametrize("key", sorted(themes.THEME_LABELS))
def test_every_theme_of_the_map_is_labelled_in_english_and_in_swedish(key: str) -> None:
    labels = themes.THEME_LABELS[key]
    assert sorted(labels) == sorted(themes.LANGUAGES)
    assert labels["en"] != labels["sv"]  # translated, not copied
    for language, text in labels.items():
        assert themes.label(key, language) == text
        assert 1 <= len(text) <= 64 and text == text.strip()  # ThemeOut.label's bounds
        assert detect_language(text) == language, text
        assert key in themes_of(text), text  # a label names its own theme


@given(st.text(min_size=1, max_size=30).filter(lambda s: not s.isspace()))
@settings(max_examples=100, deadline=None)
def test_a_word_outside_the_map_is_labelled_with_its_lemma_in_every_language(
    lemma: str,
) -> None:
    key = themes.TERM_PREFIX + lemma
    assert {themes.label(key, language) for language in themes.LANGUAGES} == {lemma}


def test_labels_follow_the_language() -> None:
    assert themes.label("customers") == themes.label("customers", "en") == "Customers"
    assert themes.label("customers", "sv") == "Kunder"
    assert themes.label("delivery", "sv") == "Pålitliga beställningar, prognoser och betalningar"
    with pytest.raises(KeyError):
        themes.label("no-such-theme", "sv")


def test_a_respondent_counts_once_however_often_they_say_it() -> None:
    answers = [("a", "Priorities, priorities, priorities!"), ("a", "Clear focus."), ("b", "Focus")]
    (clarity,) = [t for t in count_themes(answers, 5) if t.key == "clarity"]
    assert clarity.count == 2
    assert clarity.respondents == {"a", "b"}


def test_examples_only_when_enough_respondents_share_the_theme() -> None:
    four = [(f"r{i}", f"Clearer priorities please, number {i}") for i in range(4)]
    (below,) = [t for t in count_themes(four, 5) if t.key == "clarity"]
    assert below.count == 4
    assert below.examples == ()
    five = [*four, ("r4", "Clearer priorities please")]
    (at,) = [t for t in count_themes(five, 5) if t.key == "clarity"]
    assert at.examples == ("clearer priorities",)


def test_an_example_is_never_a_whole_answer() -> None:
    # Every respondent wrote only "Clear priorities": a phrase would be the whole comment.
    answers = [(f"r{i}", "Clear priorities") for i in range(6)]
    (clarity,) = [t for t in count_themes(answers, 5) if t.key == "clarity"]
    assert clarity.count == 6
    assert clarity.examples == ()


def test_right_to_left_emoji_and_mixed_scripts_are_words_or_nothing() -> None:
    assert themes_of("🚀🚀🚀 👍🏽") == frozenset()
    assert themes_of("") == frozenset()
    mixed = themes_of("مرحبا — growth for both 公司 Грузовик")
    assert "growth" in mixed
    assert "term:مرحبا" in mixed
    assert "term:грузовик" in mixed  # casefolded


# ---------------------------------------------------------------- properties

ANY_TEXT = st.text(max_size=200)
WORDY = st.lists(
    st.sampled_from(
        [
            "clear",
            "priorities",
            "tydliga",
            "prioriteringar",
            "kunderna",
            "growth",
            "🚀",
            "the",
            "och",
            "team",
            "مرحبا",
            "workload",
            "övertid",
            "ideas",
            "!",
            "résumé",
        ]
    ),
    max_size=12,
).map(" ".join)
TEXTS = st.one_of(ANY_TEXT, WORDY)
ANSWERS = st.lists(st.tuples(st.sampled_from("abcdefgh"), TEXTS), max_size=25)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_any_unicode_is_handled_without_error(text: str) -> None:
    found = themes_of(text)
    assert all(key.startswith(themes.TERM_PREFIX) or key in themes.THEME_LABELS for key in found)
    assert detect_language(text) in themes.LANGUAGES
    for phrases in phrases_of(text).values():
        for phrase in phrases:
            assert 1 <= len(phrase.split()) <= themes.PHRASE_WORDS


@settings(max_examples=150, deadline=None)
@given(ANSWERS, st.integers(min_value=3, max_value=8), st.randoms(use_true_random=False))
def test_extraction_is_deterministic_and_order_free(
    answers: list[tuple[str, str]], k: int, rnd: random.Random
) -> None:
    first = count_themes(answers, k)
    shuffled = list(answers)
    rnd.shuffle(shuffled)
    assert count_themes(answers, k) == first
    assert count_themes(shuffled, k) == first


@settings(max_examples=150, deadline=None)
@given(ANSWERS, st.integers(min_value=3, max_value=8))
def test_counts_are_distinct_respondents_and_examples_respect_the_threshold(
    answers: list[tuple[str, str]], k: int
) -> None:
    respondents = {r for r, _ in answers}
    whole = {" ".join(t.word for t in terms(text)) for _, text in answers}
    counted = count_themes(answers, k)
    for theme in counted:
        assert 1 <= theme.count <= len(respondents)
        assert theme.respondents <= respondents
        assert all(
            any(theme.key in themes_of(t) for r2, t in answers if r2 == r)
            for r in theme.respondents
        )
        if theme.count < k:
            assert theme.examples == ()
        assert len(theme.examples) <= themes.MAX_EXAMPLES
        for example in theme.examples:
            assert example not in whole
            assert len(example.split()) <= themes.PHRASE_WORDS
    counts = [t.count for t in counted]
    assert counts == sorted(counts, reverse=True)


# ---------------------------------------------------------------- Swedish; words that are no theme


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("Tydliga leveransbesked", "delivery"),
        ("Kortare lastningstider vid terminalen", "delivery"),
        ("Färre väntetimmar", "delivery"),
        ("Veckomötet är för långt", "communication"),
        ("Fler förbättringsprojekt", "innovation"),
        ("Gemensam prognos", "delivery"),
        ("Forecasts at least four weeks ahead", "delivery"),
        ("Delivery dates we can trust", "delivery"),
    ],
)
def test_swedish_compounds_meet_their_english_counterparts(text: str, theme: str) -> None:
    assert theme in themes_of(text)


def test_a_compound_is_split_by_the_swedish_dictionary() -> None:
    assert themes.compound_parts("leveransbesked") == ("leverans", "besked")
    assert themes.compound_parts("förbättringsprojekt")[-1] == "projekt"
    assert themes.compound_parts("prognos") == ()  # a word of its own


NO_THEME_WORDS = sorted(themes.NO_THEME | themes.QUESTION_ECHOES)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(NO_THEME_WORDS),
            st.sampled_from(sorted(themes.stop_words("en") | themes.stop_words("sv"))),
            st.integers(0, 10**6).map(str),
            st.sampled_from(["team", "per", "fortsätta", "keep", "people", "make"]),
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([" ", ", ", ". "]),
)
@settings(max_examples=200, deadline=None)
def test_stop_words_months_weekdays_numbers_and_everyday_words_are_never_a_theme(
    words: list[str], separator: str
) -> None:
    text = separator.join(words)
    assert {t for t in themes_of(text) if t.startswith(themes.TERM_PREFIX)} == set(), text


def test_examples_do_not_depend_on_the_order_of_the_answers() -> None:
    # A phrase written in an English and in a Swedish answer: its language was the first
    # answer's, so the examples changed with the order.
    answers = [
        ("a", "the priorities priorities growth"),
        ("b", "priorities kunderna prioriteringar workload team"),
        ("c", "övertid growth kunderna tydliga team"),
        ("d", "kunderna prioriteringar prioriteringar"),
    ]
    orders = {tuple(count_themes(list(p), 3)) for p in itertools.permutations(answers)}
    assert len(orders) == 1


def test_a_theme_written_in_both_languages_has_examples_in_both() -> None:
    answers = [(f"en{i}", f"Reliable delivery forecasts please {i}") for i in range(4)]
    answers += [(f"sv{i}", f"Vi behöver tydliga leveransbesked nu {i}") for i in range(2)]
    (delivery,) = [t for t in count_themes(answers, 5) if t.key == "delivery"]
    languages = {detect_language(example) for example in delivery.examples}
    assert languages == {"en", "sv"}, delivery.examples


AFF = """SET UTF-8
FORBIDDENWORD %
COMPOUNDBEGIN X
COMPOUNDEND Y
ONLYINCOMPOUND Z
SFX a Y 1
SFX a 0 s/XZ .
SFX b Y 1
SFX b 0 en .
"""
DIC = """6
leverans/XY
besked/Y
prognos/b
tid/a
fel/%
ord
"""


def test_the_dictionary_keeps_exactly_the_entries_a_compound_can_be_made_of() -> None:
    kept = themes.compounding_entries(AFF, DIC).splitlines()
    # own compound flags, an affix granting one (tid → tids-), a forbidden word; not prognos
    # (its affix grants none) nor an entry without flags
    assert kept == ["4", "leverans/XY", "besked/Y", "tid/a", "fel/%"]


def test_the_reduced_dictionary_still_splits_what_the_whole_one_does() -> None:
    for word, parts in [
        ("leveransbesked", ("leverans", "besked")),
        ("lastningstider", ("lastning", "tid")),
        ("veckomötet", ("vecko", "mötet")),
    ]:
        assert themes.compound_parts(word) == parts
    assert themes.compound_parts("kunderna") == ()
