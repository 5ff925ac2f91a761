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

RELATIONSHIPS = (
    "direct_report",
    "peer",
    "manager",
    "internal_customer",
    "external_customer",
    "supplier",
    "other",
)

# Read off the corpus by hand (tests/insights/corpus.py): the three most shared themes of each
# kind and relationship, with the number of distinct respondents mentioning each. As a
# reader counts them: "team", "shared", "joint", "gemensam" and "partner" are collaboration;
# a compound counts with its head (*leveransbesked*, *kundtjänst*: delivery, customers); an
# everyday word, a month, a weekday or a number is no theme. Ties (manager dreams, other
# needs and dreams) are listed by key, as responses order them.
EXPECTED_TOP = {
    ("needs", "direct_report"): [("clarity", 16), ("recognition", 10), ("workload", 9)],
    ("needs", "peer"): [("collaboration", 19), ("communication", 18), ("clarity", 9)],
    ("needs", "manager"): [("clarity", 16), ("communication", 12), ("customers", 10)],
    ("needs", "internal_customer"): [("delivery", 17), ("communication", 16), ("clarity", 13)],
    ("needs", "external_customer"): [("delivery", 20), ("communication", 11), ("clarity", 6)],
    ("needs", "supplier"): [("delivery", 39), ("clarity", 5), ("communication", 4)],
    ("needs", "other"): [("communication", 12), ("safety", 10), ("wellbeing", 10)],
    ("dreams", "direct_report"): [("growth", 19), ("autonomy", 11), ("purpose", 5)],
    ("dreams", "peer"): [("collaboration", 28), ("innovation", 11), ("clarity", 5)],
    ("dreams", "manager"): [("growth", 21), ("collaboration", 11), ("customers", 11)],
    ("dreams", "internal_customer"): [("customers", 20), ("collaboration", 19), ("tools", 10)],
    ("dreams", "external_customer"): [("collaboration", 15), ("innovation", 11), ("customers", 10)],
    ("dreams", "supplier"): [("collaboration", 29), ("innovation", 11), ("growth", 9)],
    ("dreams", "other"): [("purpose", 12), ("growth", 6), ("wellbeing", 6)],
}
# The labels a reader expects for those themes, in English and in Swedish.
EXPECTED_LABELS = {
    "autonomy": ("Autonomy and ownership", "Självständighet och ägarskap"),
    "clarity": ("Clear priorities and direction", "Tydliga prioriteringar och riktning"),
    "collaboration": ("Collaboration and teamwork", "Samarbete och lagarbete"),
    "communication": ("Communication and transparency", "Kommunikation och öppenhet"),
    "customers": ("Customers", "Kunder"),
    "delivery": (
        "Reliable orders, forecasts and payments",
        "Pålitliga beställningar, prognoser och betalningar",
    ),
    "growth": ("Growth and development", "Utveckling och lärande"),
    "innovation": ("Innovation and improvement", "Innovation och förbättring"),
    "purpose": ("Purpose and impact", "Syfte och påverkan"),
    "recognition": ("Feedback and recognition", "Återkoppling och uppskattning"),
    "safety": ("Safety at work", "Säkerhet i arbetet"),
    "tools": ("Tools and resources", "Verktyg och resurser"),
    "wellbeing": ("Balance and wellbeing", "Balans och välmående"),
    "workload": ("Workload and pace", "Arbetsbelastning och tempo"),
}
SWEDISH_COMPOUNDS = (
    "leveransbesked",
    "leveranstider",
    "lastningstider",
    "väntetimmar",
    "veckomötet",
    "förbättringsprojekt",
    "kompetensutveckling",
    "leveransprecisionen",
    "betalningsvillkor",
    "kundtjänst",
    "skiftschemat",
    "säkerhetsreglerna",
)


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
    assert len(CORPUS) >= 300 and len(all_texts) >= 300
    assert {a.relationship for a in CORPUS} == set(RELATIONSHIPS)
    swedish = [t for t in all_texts if detect_language(t) == "sv"]
    assert 3 * len(swedish) >= len(all_texts)
    words = {w for t in swedish for w in themes.tokenise(themes.normalise(t))}
    for compound in SWEDISH_COMPOUNDS:
        assert compound in words, compound
        assert themes.compound_parts(compound), compound  # a compound the dictionary knows
    emoji = [t for t in all_texts if any(ord(c) >= 0x1F300 for c in t)]
    assert len(emoji) >= 30
    for relationship in RELATIONSHIPS:
        own = [t for a in CORPUS if a.relationship == relationship for t in (a.needs, a.dreams)]
        for language in themes.LANGUAGES:
            mine = [t for t in own if t and detect_language(t) == language]
            lengths = [len(themes.tokenise(themes.normalise(t))) for t in mine]
            assert 1 in lengths, (relationship, language)  # a one-word answer
            assert max(lengths) >= 40, (relationship, language)  # and a long one


@pytest.mark.parametrize(("kind", "relationship"), sorted(EXPECTED_TOP))
def test_corpus_yields_the_expected_top_themes(kind: str, relationship: str) -> None:
    top = count_themes(answers_of(kind, relationship), min_comment_group_size=5)[:3]
    assert [(t.key, t.count) for t in top] == EXPECTED_TOP[(kind, relationship)]


@pytest.mark.parametrize("language", themes.LANGUAGES)
@pytest.mark.parametrize(("kind", "relationship"), sorted(EXPECTED_TOP))
def test_corpus_top_themes_read_as_expected_in_both_languages(
    kind: str, relationship: str, language: str
) -> None:
    top = count_themes(answers_of(kind, relationship), min_comment_group_size=5)[:3]
    column = themes.LANGUAGES.index(language)
    expected = [EXPECTED_LABELS[key][column] for key, _ in EXPECTED_TOP[(kind, relationship)]]
    assert [themes.label(t.key, language) for t in top] == expected
    assert all(t.label == EXPECTED_LABELS[t.key][0] for t in top)  # counted: English


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


# Written out here, not taken from the extraction's own lists, so the tests below can fail.


def _listed(words: str) -> list[str]:
    return words.split()


MONTHS = _listed(
    "january february march april may june july august september october november december "
    "januari februari mars april maj juni juli augusti september oktober november december "
    "jan feb mar apr aug sep sept oct okt nov dec"
)
WEEKDAYS = _listed(
    "monday tuesday wednesday thursday friday saturday sunday mondays fridays sundays "
    "måndag tisdag onsdag torsdag fredag lördag söndag måndagar måndagen måndags fredagar "
    "fredagen fredags fredagarna söndagar tisdagens"
)
NUMBER_WORDS = _listed(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fifteen "
    "twenty thirty forty fifty ninety hundred thousand million hundreds thousands dozen "
    "twenty-four ninety-nine first second third fourth fifth tenth twelfth twentieth "
    "noll en ett två tre fyra fem sex sju åtta nio tio elva tolv tretton femton tjugo "
    "trettio fyrtio femtio nittio hundra tusen miljon tjugofem fyrtiofem hundratals "
    "tusentals första andra tredje fjärde femte tionde tjugofemte"
)
NUMERALS = ["30", "2028", "q3", "24h", "30-day", "1st", "3rd", "10k", "v.12", "5%"]
NEVER = frozenset(MONTHS + WEEKDAYS + NUMBER_WORDS)
STOP_WORDS = themes.stop_words("en") | themes.stop_words("sv")


def _is_number(word: str) -> bool:
    return word in NUMBER_WORDS or any(c.isdigit() for c in word)


def _assert_none_is_a_theme(text: str) -> None:
    """No month, weekday or number carries any theme; no stop word, month, weekday or number
    is ever a theme of its own (a stop word of the documented map, such as "together",
    belongs to its theme)."""
    for term in terms(text):
        if term.word in NEVER or _is_number(term.word):
            assert term.theme is None, (text, term)
        if term.word in STOP_WORDS and term.theme is not None:
            assert not term.theme.startswith(themes.TERM_PREFIX), (text, term)
    for key in themes_of(text):
        if key.startswith(themes.TERM_PREFIX):
            lemma = key[len(themes.TERM_PREFIX) :]
            assert lemma not in NEVER | STOP_WORDS and not _is_number(lemma), (text, key)


def test_no_stop_word_month_weekday_or_number_is_a_theme_anywhere_in_the_corpus() -> None:
    all_texts = texts(CORPUS)
    written = {w for t in all_texts for w in themes.tokenise(themes.normalise(t))}
    # The corpus has them, as people write them.
    assert len(written & set(MONTHS)) >= 5 and len(written & set(WEEKDAYS)) >= 5
    assert len(written & set(NUMBER_WORDS)) >= 10 and len(written & STOP_WORDS) >= 100
    assert any(_is_number(w) and w not in NUMBER_WORDS for w in written)  # "30", "q2"
    for text in all_texts:
        _assert_none_is_a_theme(text)


CONTENT_WORDS = sorted(
    {w for t in texts(CORPUS) for w in themes.tokenise(themes.normalise(t))} - NEVER - STOP_WORDS
)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(sorted(NEVER)),
            st.sampled_from(NUMERALS),
            st.integers(0, 10**6).map(str),
            st.sampled_from(sorted(STOP_WORDS)),
            st.sampled_from(CONTENT_WORDS),
            st.sampled_from(["🚀", "🤝", "—", "!", "?", "(", ")"]),
        ).flatmap(lambda w: st.sampled_from([w, w.capitalize(), w.upper()])),
        min_size=1,
        max_size=16,
    ),
    st.sampled_from([" ", ", ", ". ", " – ", "\n"]),
)
@settings(max_examples=300, deadline=None)
def test_no_stop_word_month_weekday_or_number_is_a_theme_in_any_mix_of_them(
    words: list[str], separator: str
) -> None:
    _assert_none_is_a_theme(separator.join(words))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # what a reader means, and what a word alone would have wrongly said
        ("Of course we need better tools", {"tools"}),  # not growth ("course")
        ("Innovation we can use in our own products", {"innovation", "term:product"}),
        ("I would appreciate clearer goals", {"clarity"}),  # not recognition
        ("Recognition when the team delivers", {"recognition", "collaboration", "term:deliver"}),
        ("Säkra leveranser före jul", {"delivery"}),  # "säkra" is reliable, not safety
        ("Safety on the loading dock", {"safety", "delivery"}),
        ("Lönen borde följa marknaden", {"pay", "term:marknad"}),  # "borde": a modal verb
        ("A salary that keeps up with the market", {"pay"}),
        ("Kommunikation innan skiftschemat ändras", {"communication", "workload", "term:ändra"}),
        ("A long-term partner, not a vendor", {"collaboration", "term:vendor"}),
        ("En gemensam prognos", {"collaboration", "delivery"}),
        ("Priorities kunderna prioriteringar", {"clarity", "customers"}),  # mixed languages
        ("Utvecklingssamtal varje halvår och varje kvartal", {"growth"}),
        ("Twenty-four hours notice, within 30-day terms in Q3", {"term:notice"}),
    ],
)
def test_words_mean_what_a_reader_takes_them_to_mean(text: str, expected: set[str]) -> None:
    assert themes_of(text) == expected


@pytest.mark.parametrize(
    "word",
    ["twenty-four", "ninety-nine", "fourth", "hundreds", "tjugofem", "tjugofemte", "hundratals",
     "femtiotal", "fyrtiofem", "30", "30-day", "q3", "24h", "2028"],
)  # fmt: skip
def test_a_number_is_a_number(word: str) -> None:
    assert themes.is_number(word)


@pytest.mark.parametrize(
    "word", ["one-on-one", "often", "attention", "tent", "tension", "halvtid", "sextant", "tools"]
)
def test_a_word_with_a_number_in_it_is_not_a_number(word: str) -> None:
    assert not themes.is_number(word)


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
