"""Themes in what people need and dream of: deterministic, explainable extraction. Pure; no I/O.

How one answer becomes themes (each step can be shown to an integrator):

1. **Normalise**: Unicode NFKC, then casefold (`"Prioriteringar"` → `"prioriteringar"`).
2. **Tokenise**: runs of word characters of any script, with inner `-`, `'` or `’`
   (`co-op`). Emoji, punctuation and symbols separate words and are otherwise ignored;
   a word needs at least one letter. Any Unicode string is accepted, never an error.
3. **Language**: English or Swedish per answer, by `simplemma.langdetect` (word-list
   coverage); an answer it cannot place is read as English.
4. **Lemmatise** each word with `simplemma` in the answer's language
   (`"kunderna"` → `"kund"`, `"priorities"` → `"priority"`).
5. **Group**: a word whose surface form or lemma is in `THEME_TERMS` (the documented map
   of related English and Swedish terms) belongs to that theme, labelled in English and
   in Swedish (`THEME_LABELS`; a response shows the organization's `language`). A Swedish
   compound that is not in the map is split into its parts by Hunspell's Swedish
   dictionary (`hunspell-sv`, read through `spylls`: *leveransbesked* → *leverans* +
   *besked*); it belongs to the theme of its last part in the map, the head first
   (*förbättringsprojekt* → *förbättring* → innovation). A word's lemma in the other
   language is looked up too, since answers mix them.
   Otherwise the word carries no theme, and is dropped, when it is a stop word of its
   language (`stopwordsiso`), an echo of the question (`QUESTION_ECHOES`: "need",
   "dream", ...), a month, a weekday, another word of the calendar or the clock
   (*quarter*, *kvartal*, *weekend*) or a generic verb (`NO_THEME`, in either language), a
   number (a word with a digit, or made of number words: *twenty-four*, *tjugofem*), an
   everyday word (a Zipf frequency of at least `EVERYDAY_ZIPF` in its language by
   `wordfreq`: *team*, *per*, *fortsätta*), or has fewer than three letters or more than
   40 characters; what remains is its own theme `term:<lemma>`, labelled with the lemma in
   every language.
6. **Count** distinct respondents per theme: a respondent mentioning a theme twice, or in
   two answers, counts once.
7. **Example phrases**: the theme's word with its neighbouring content word (at most
   `PHRASE_WORDS` words), never the whole of any answer; shown only when at least
   `min_comment_group_size` respondents share the theme; when respondents wrote it in
   both languages, the examples hold both.
"""

from __future__ import annotations

import re
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import simplemma
import stopwordsiso
from spylls.hunspell import Dictionary
from spylls.hunspell.algo.lookup import CompoundForm
from wordfreq import zipf_frequency

LANGUAGES: tuple[str, ...] = ("en", "sv")
DEFAULT_LANGUAGE = "en"
PHRASE_WORDS = 2
MAX_EXAMPLES = 3
MIN_TERM_LETTERS = 3
MAX_TERM_CHARS = 40  # longer "words" (URLs, run-ons) are no theme
# A word at least this frequent in its language (Zipf scale: 5 is once in 100,000 words) is
# an everyday word, no theme of its own; `wordfreq`'s lists.
EVERYDAY_ZIPF = 5.0
# What the language data costs in memory, held by every process that closes periods (the
# `calling serve` closer, `calling close-periods`, a sandbox's test clock): `wordfreq`'s
# small lists hold every word down to Zipf 3 (far below `EVERYDAY_ZIPF`), and `simplemma`'s
# low-memory dictionaries give the same lemmas as its default ones.
FREQUENCY_LIST = "small"
LOW_MEMORY = True
# Where `pip install hunspell-sv` (or Debian's `hunspell-sv`) puts the Swedish dictionary.
SWEDISH_DICTIONARY = ("sv_SE", (Path(sys.prefix) / "share/hunspell", Path("/usr/share/hunspell")))
TERM_PREFIX = "term:"

_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def _words(text: str) -> list[str]:
    return text.split()


# Related terms, English and Swedish, grouped into one theme each, with its label in English
# and in Swedish. Terms are surface forms or simplemma lemmas (both are looked up, since the
# lemmatiser is a word list, not a grammar).
_THEMES: dict[str, tuple[str, str, list[str]]] = {
    "clarity": (
        "Clear priorities and direction",
        "Tydliga prioriteringar och riktning",
        _words(
            "priority priorities prioritise prioritize clarity clear clearer direction focus "
            "goal goals strategy roadmap prioritering prioritera tydlig tydlighet tydligare "
            "riktning fokus mål strategi målbild"
        ),
    ),
    "workload": (
        "Workload and pace",
        "Arbetsbelastning och tempo",
        _words(
            "workload overtime stress pace deadline deadlines overloaded busy capacity shift "
            "shifts staffing arbetsbelastning övertid tempo stressad kapacitet belastning "
            "skift skiften skiftet skifte skifta bemanning"
        ),
    ),
    "growth": (
        "Growth and development",
        "Utveckling och lärande",
        _words(
            "growth grow growing develop development learn learning career training courses "
            "mentor mentoring coaching skill skills utveckling utveckla utvecklas lära "
            "lärande karriär utbildning kompetens kompetensutveckling mentorskap tillväxt "
            "växa lär coachning"
        ),
    ),
    "recognition": (
        "Feedback and recognition",
        "Återkoppling och uppskattning",
        _words(
            "feedback recognition recognise recognize appreciation appreciated praise "
            "återkoppling erkännande uppskattning beröm"
        ),
    ),
    "communication": (
        "Communication and transparency",
        "Kommunikation och öppenhet",
        _words(
            "communication communicate information inform transparency transparent update "
            "updates meeting meetings kommunikation kommunicera öppenhet transparens möte "
            "mötet möten information informera uppdatering"
        ),
    ),
    "autonomy": (
        "Autonomy and ownership",
        "Självständighet och ägarskap",
        _words(
            "autonomy ownership owning freedom mandate empower empowerment decide decision "
            "decisions frihet mandat självständighet ägarskap ansvar befogenhet besluta "
            "beslut"
        ),
    ),
    "customers": (
        "Customers",
        "Kunder",
        _words("customer customers client clients kund kunder kunderna"),
    ),
    "collaboration": (
        "Collaboration and teamwork",
        "Samarbete och lagarbete",
        _words(
            "collaboration collaborate teamwork team teams together cooperation shared joint "
            "partner partners partnership samarbete samarbeta tillsammans lagarbete gemensam "
            "partnerskap"
        ),
    ),
    "tools": (
        "Tools and resources",
        "Verktyg och resurser",
        _words(
            "tool tools resource resources budget equipment software verktyg resurs resurser "
            "utrustning budget"
        ),
    ),
    "delivery": (
        "Reliable orders, forecasts and payments",
        "Pålitliga beställningar, prognoser och betalningar",
        _words(
            "delivery deliveries forecast forecasts order orders payment payments "
            "invoice invoices loading waiting leverans leveranser leverera prognos prognoser "
            "beställning beställa order ordrar betalning faktura lastning lossning vänte "
            "väntan väntetid leveranstid"
        ),
    ),
    "safety": (
        "Safety at work",
        "Säkerhet i arbetet",
        _words(
            "safety safe unsafe accident accidents injury injuries säkerhet olycka skyddsutrustning"
        ),
    ),
    "wellbeing": (
        "Balance and wellbeing",
        "Balans och välmående",
        _words(
            "balance wellbeing well-being health flexibility flexible remote balans hälsa "
            "välmående flexibilitet flexibel distans arbetsmiljö friskvård friskvårdsbidrag "
            "healthy healthier hälsosam"
        ),
    ),
    "innovation": (
        "Innovation and improvement",
        "Innovation och förbättring",
        _words(
            "innovation innovate idea ideas experiment improve improvement innovera idé "
            "förbättra förbättring förbättringar experimentera"
        ),
    ),
    "pay": (
        "Salary and benefits",
        "Lön och förmåner",
        _words(
            "salary salaries wage wages bonus bonuses compensation benefits lön löner lönen "
            "lönerna löneutveckling lönesättning lönerevision löneförhöjning förmån förmåner"
        ),
    ),
    "purpose": (
        "Purpose and impact",
        "Syfte och påverkan",
        _words(
            "purpose meaning meaningful impact mission sustainability sustainable syfte "
            "mening meningsfull hållbarhet hållbar påverkan"
        ),
    ),
}

# Theme key → language → label: every theme of the map is labelled in every language.
THEME_LABELS: Mapping[str, Mapping[str, str]] = {
    key: dict(zip(LANGUAGES, (en, sv), strict=True)) for key, (en, sv, _) in _THEMES.items()
}
THEME_TERMS: Mapping[str, str] = {
    term: key for key, (_, _, terms) in _THEMES.items() for term in terms
}
# Words that carry no theme whatever their frequency: months (and their abbreviations),
# weekdays, other words of the calendar and the clock, and generic verbs, in English and
# Swedish (normalised); numbers are `is_number`.
NO_THEME: frozenset[str] = frozenset(
    _words(
        "january february march april may june july august september october november "
        "december januari februari mars maj juni juli augusti oktober "
        "jan feb mar apr aug sep sept oct okt nov dec "
        "monday tuesday wednesday thursday friday saturday sunday måndag tisdag onsdag "
        "torsdag fredag lördag söndag weekday weekdays veckodag weekend helg helgen "
        "quarter quarterly weekly monthly daily yearly annual annually fortnight yesterday "
        "today tomorrow morning afternoon evening noon kvartal halvår vecka månad dygn timme "
        "minut minute förmiddag eftermiddag kväll spring summer autumn winter sommar höst "
        "vinter christmas easter jul påsk midsommar "
        "continue keep make get give take start stop try begin use fortsätta göra få ge "
        "ta börja sluta försöka använda fortsatt böra bör borde måste kunna skola ska skall "
        "skulle"
    )
)
# Number words: a word made only of these (`twenty-four`, `tjugofem`, `hundratals`,
# `tjugofemte`) is a number, as is any word with a digit (`30-day`, `q3`, `24h`).
_NUMBER_PARTS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred thousand million billion dozen half once twice first second "
    "third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth twentieth "
    "thirtieth hundredth thousandth "
    "noll en ett två tre fyra fem sex sju åtta nio tio elva tolv tretton fjorton femton "
    "sexton sjutton arton nitton tjugo trettio fyrtio femtio sextio sjuttio åttio nittio "
    "hundra tusen miljon miljoner miljard miljarder halv halva första andra tredje fjärde "
    "femte sjätte sjunde åttonde nionde tionde elfte tolfte trettonde fjortonde femtonde "
    "sextonde sjuttonde artonde nittonde tjugonde trettionde hundrade tusende"
)
_NUMBER_WORD = re.compile(
    "(?:{0})+(?:s|th|tal|tals|talet)?(?:-(?:{0})+(?:s|th)?)*".format(
        "|".join(sorted(_words(_NUMBER_PARTS), key=len, reverse=True))
    )
)


def is_number(word: str) -> bool:
    """A number: a word with a digit, or made only of number words (see `_NUMBER_PARTS`)."""
    return any(c.isdigit() for c in word) or _NUMBER_WORD.fullmatch(word) is not None


# Words that echo the questions ("what do you need / dream of") and so say nothing.
QUESTION_ECHOES: frozenset[str] = frozenset(
    _words(
        "need needs dream dreams wish want hope like would "
        "behöva behöver dröm drömma drömmar drömmare önska önskar vilja vill hoppas"
    )
)


@dataclass(frozen=True)
class Term:
    """One word of an answer: its normalised form, lemma and theme key (None: dropped)."""

    word: str
    lemma: str
    theme: str | None


@dataclass(frozen=True)
class ThemeCount:
    """A theme over a set of answers: distinct respondents and, when enough share it,
    example phrases."""

    key: str
    label: str
    respondents: frozenset[str]
    examples: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.respondents)


def normalise(text: str) -> str:
    """NFKC, then casefold."""
    return unicodedata.normalize("NFKC", text).casefold()


def tokenise(text: str) -> list[str]:
    """The words of an already normalised text (any script; at least one letter each)."""
    return [w for w in _WORD.findall(text) if any(c.isalpha() for c in w)]


@lru_cache(maxsize=8192)
def detect_language(text: str) -> str:
    """`en` or `sv` for one answer (DEFAULT_LANGUAGE when neither is recognised)."""
    if not tokenise(normalise(text)):
        return DEFAULT_LANGUAGE
    ranked = simplemma.langdetect(text, lang=LANGUAGES, low_memory=LOW_MEMORY)
    best, score = ranked[0]
    return best if best in LANGUAGES and score > 0 else DEFAULT_LANGUAGE


@lru_cache(maxsize=2)
def stop_words(language: str) -> frozenset[str]:
    """`stopwordsiso`'s stop words of the language, normalised and tokenised as answers are
    (an entry with stray punctuation, `herse”`, is the word `herse`)."""
    return frozenset(t for w in stopwordsiso.stopwords(language) for t in tokenise(normalise(w)))


def label(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The readable label of a theme key in `language` (one of LANGUAGES): the map's label,
    or for `term:<lemma>` the lemma, the same in every language. KeyError for a key that is
    neither."""
    if key.startswith(TERM_PREFIX):
        return key[len(TERM_PREFIX) :]
    return THEME_LABELS[key][language]


def compounding_entries(aff: str, dic: str) -> str:
    """The entries of a Hunspell `.dic` text that can be a part of a compound: their own
    flags or one of their affixes' continuation flags include a COMPOUNDBEGIN, -MIDDLE, -END
    or ONLYINCOMPOUND flag (or they are forbidden words). Of hunspell-sv's 279,000 entries
    that is 102,000, and theme extraction asks the dictionary only for compounds, so it
    loads these: 96 MiB in memory rather than 230. (Of 4,725 Swedish words sampled from
    `wordfreq`, 526 are compounds by the whole dictionary and 9 split differently: a
    check against the words left out, such as CHECKCOMPOUNDREP, no longer applies.)"""
    settings: dict[str, str] = {}
    affix_lines: list[list[str]] = []
    for line in aff.splitlines():
        fields = line.split()
        if len(fields) == 2:
            settings.setdefault(fields[0], fields[1])
        if len(fields) >= 4 and fields[0] in ("PFX", "SFX"):
            affix_lines.append(fields)
    compounding = {
        settings[key]
        for key in ("COMPOUNDFLAG", "COMPOUNDBEGIN", "COMPOUNDMIDDLE", "COMPOUNDEND",
                    "ONLYINCOMPOUND")
        if key in settings
    }  # fmt: skip
    wanted = set(compounding) | {settings[k] for k in ("FORBIDDENWORD",) if k in settings}
    wanted |= {
        f[1] for f in affix_lines if "/" in f[3] and set(f[3].split("/", 1)[1]) & compounding
    }
    lines = dic.splitlines()
    kept = [line for line in lines[1:] if "/" in line and set(line.split("/", 1)[1]) & wanted]
    return "\n".join([str(len(kept)), *kept, ""])


@lru_cache(maxsize=1)
def swedish_dictionary() -> Dictionary | None:
    """Hunspell's Swedish dictionary (`hunspell-sv`) for compounds (`compounding_entries`),
    loaded once; None where it is not installed (compounds are then words of their own)."""
    name, places = SWEDISH_DICTIONARY
    for place in places:
        aff, dic = place / f"{name}.aff", place / f"{name}.dic"
        if dic.exists() and aff.exists():
            with tempfile.TemporaryDirectory() as reduced:
                (Path(reduced) / aff.name).write_bytes(aff.read_bytes())
                entries = compounding_entries(aff.read_text("utf-8"), dic.read_text("utf-8"))
                (Path(reduced) / dic.name).write_text(entries, "utf-8")
                return Dictionary.from_files(str(Path(reduced) / name))
    return None


def prepare() -> None:
    """Load what theme extraction reads once (the Swedish dictionary takes seconds, the
    lemmatiser's and the frequency lists less): called before a close opens its
    transaction, so no lock is held while they load."""
    swedish_dictionary()
    for language in LANGUAGES:
        stop_words(language)
        simplemma.lemmatize("prepare", lang=language, low_memory=LOW_MEMORY)
        zipf_frequency("prepare", language, wordlist=FREQUENCY_LIST)
    detect_language("prepare")


@lru_cache(maxsize=65536)
def compound_parts(word: str) -> tuple[str, ...]:
    """The stems of a Swedish compound's parts, first to last (`leveransbesked` →
    `("leverans", "besked")`); empty for a word that is no compound (or no Swedish word)."""
    dictionary = swedish_dictionary()
    if dictionary is None or not 4 <= len(word) <= MAX_TERM_CHARS or not word.isalpha():
        return ()
    for form in dictionary.lookuper.good_forms(word):
        if isinstance(form, CompoundForm):
            return tuple(normalise(part.stem) for part in form.parts)
    return ()


def _other_lemmas(word: str, language: str) -> list[str]:
    """The word's lemmas in the other languages: answers mix them ("priorities och
    prioriteringar" reads as English)."""
    return [
        normalise(simplemma.lemmatize(word, lang=other, low_memory=LOW_MEMORY))
        for other in LANGUAGES
        if other != language
    ]


def _mapped(word: str, lemma: str, language: str) -> str | None:
    mapped = THEME_TERMS.get(word) or THEME_TERMS.get(lemma)
    for other in _other_lemmas(word, language):
        mapped = mapped or THEME_TERMS.get(other)
    if mapped is not None or language != "sv":
        return mapped
    for part in reversed(compound_parts(word)):  # the head (last part) first
        found = THEME_TERMS.get(part) or THEME_TERMS.get(
            normalise(simplemma.lemmatize(part, lang="sv", low_memory=LOW_MEMORY))
        )
        if found is not None:
            return found
    return None


def carries_no_theme(word: str, lemma: str, language: str) -> bool:
    """A word that is never a theme of its own (see step 5 of the module's text)."""
    # Both languages' stop words: answers mix them ("andra fire" reads as Swedish).
    if {word, lemma} & (QUESTION_ECHOES | NO_THEME | stop_words("en") | stop_words("sv")):
        return True
    # A month, weekday, number or generic verb of the other language too ("reports every
    # måndagar" reads as English; its Swedish lemma is "måndag").
    others = set(_other_lemmas(word, language))
    if others & NO_THEME or any(is_number(form) for form in {word, lemma, *others}):
        return True
    if sum(c.isalpha() for c in lemma) < MIN_TERM_LETTERS or len(lemma) > MAX_TERM_CHARS:
        return True
    # The lemma's frequency (all its forms), in either language: answers mix them.
    return (
        max(zipf_frequency(lemma, lang, wordlist=FREQUENCY_LIST) for lang in LANGUAGES)
        >= EVERYDAY_ZIPF
    )


def _theme_of(word: str, lemma: str, language: str) -> str | None:
    mapped = _mapped(word, lemma, language)
    if mapped is not None:
        return mapped
    if carries_no_theme(word, lemma, language):
        return None
    return TERM_PREFIX + lemma


def terms(text: str) -> list[Term]:
    """Every word of one answer with its lemma and theme (explains the extraction)."""
    return list(_terms(text))


@lru_cache(maxsize=8192)
def _terms(text: str) -> tuple[Term, ...]:
    language = detect_language(text)
    result = []
    for word in tokenise(normalise(text)):
        lemma = normalise(simplemma.lemmatize(word, lang=language, low_memory=LOW_MEMORY))
        result.append(Term(word=word, lemma=lemma, theme=_theme_of(word, lemma, language)))
    return tuple(result)


def themes_of(text: str) -> frozenset[str]:
    """The theme keys one answer mentions."""
    return frozenset(t.theme for t in terms(text) if t.theme is not None)


def phrases_of(text: str) -> dict[str, set[str]]:
    """Theme key → short phrases of this answer: the theme's word joined to the content word
    just before it (else just after it), at most PHRASE_WORDS words, and never the whole
    answer (an answer of PHRASE_WORDS words or fewer gives no phrase at all)."""
    return {theme: set(phrases) for theme, phrases in _phrases(text).items()}


@lru_cache(maxsize=8192)
def _phrases(text: str) -> Mapping[str, frozenset[str]]:
    words = terms(text)
    found: dict[str, set[str]] = {}
    if len(words) <= PHRASE_WORDS:
        return {}
    for i, term in enumerate(words):
        if term.theme is None:
            continue
        phrase: tuple[str, ...]
        if i > 0 and words[i - 1].theme is not None:
            phrase = (words[i - 1].word, term.word)
        elif i + 1 < len(words) and words[i + 1].theme is not None:
            phrase = (term.word, words[i + 1].word)
        else:
            phrase = (term.word,)
        found.setdefault(term.theme, set()).add(" ".join(phrase))
    return {theme: frozenset(phrases) for theme, phrases in found.items()}


def _in_both_languages(ranked: list[str], language: Mapping[str, str]) -> tuple[str, ...]:
    """The first MAX_EXAMPLES of `ranked`, but with the best phrase of each language that
    has one: a theme half the respondents wrote in Swedish shows a Swedish example too."""
    chosen = ranked[:MAX_EXAMPLES]
    for lang in LANGUAGES:
        if chosen and all(language[p] != lang for p in chosen):
            best = next((p for p in ranked if language[p] == lang), None)
            others = {language[p] for p in chosen}
            if best is not None and len(others) == 1:  # keep one of every other language
                chosen = [*chosen[: MAX_EXAMPLES - 1], best]
    return tuple(sorted(chosen, key=ranked.index))


def count_themes(
    answers: Iterable[tuple[str, str]], min_comment_group_size: int
) -> list[ThemeCount]:
    """Themes over (respondent key, answer text) pairs, most respondents first (ties by key).

    Every theme is returned with its respondents; `examples` (up to MAX_EXAMPLES phrases,
    those used by most respondents first, ties alphabetical; never a phrase that is the
    whole of any of the answers) only when at least
    `min_comment_group_size` respondents share the theme. Whether a count may be shown at
    all is the period table's decision (`service.insights.cells`).
    """
    members: dict[str, set[str]] = {}
    phrase_users: dict[str, dict[str, set[str]]] = {}
    phrase_languages: dict[str, Counter[str]] = {}
    whole_answers: set[str] = set()
    for respondent, text in answers:
        whole_answers.add(" ".join(t.word for t in terms(text)))
        language = detect_language(text)
        for theme, phrases in _phrases(text).items():
            for phrase in phrases:
                phrase_users.setdefault(theme, {}).setdefault(phrase, set()).add(respondent)
                phrase_languages.setdefault(phrase, Counter())[language] += 1
        for theme in themes_of(text):
            members.setdefault(theme, set()).add(respondent)
    # A phrase's language is that of most answers using it (ties: LANGUAGES' order), so the
    # order of the answers never matters.
    phrase_language = {
        phrase: min(counts, key=lambda lang: (-counts[lang], LANGUAGES.index(lang)))
        for phrase, counts in phrase_languages.items()
    }
    result = []
    for key, respondents in members.items():
        examples: tuple[str, ...] = ()
        if len(respondents) >= min_comment_group_size:
            # a phrase that is all of someone's answer is never shown
            users = Counter(
                {p: len(r) for p, r in phrase_users.get(key, {}).items() if p not in whole_answers}
            )
            ranked = [p for p, _ in sorted(users.items(), key=lambda item: (-item[1], item[0]))]
            examples = _in_both_languages(ranked, phrase_language)
        result.append(ThemeCount(key, label(key), frozenset(respondents), examples))
    result.sort(key=lambda t: (-t.count, t.key))
    return result
