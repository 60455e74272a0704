"""Product search and autocomplete over a small inverted index kept in the database.

Why not the engines' own full-text search: SQLite FTS5 and PostgreSQL `tsvector` stem with
different dictionaries and rank with different formulas (bm25 against ts_rank), so one
query would list different products in the embedded setup and in production; typo
tolerance would also need an extension on each side (pg_trgm on PostgreSQL, spellfix1 on
SQLite, which Python's sqlite3 does not ship). Here every text step (case, accents,
stemming, typo matching) and the ranking run in Python, identically everywhere; the
database only stores postings (`SearchTerm` rows, written by `catalog.services`) and returns
those of the query's terms in one indexed lookup.

How a query is read:
- text is case-folded and stripped of accents, then cut into words; very common words
  ("the", "de"...) and single letters are dropped;
- each word is stemmed with the English and the French Snowball stemmers (product names
  come in either language and the shopper may type either), and matches a product when
  one of its stems is one of the product's terms;
- a word whose stems are not in the index vocabulary is matched to the vocabulary terms
  within a small edit distance (typos) and to the terms it starts (a cut-off word);
- products are ranked by how many query words they match, then by where the words were
  found (name above category), then by units sold.

The vocabulary (every distinct term) and the categories are kept in process memory and
reloaded when the catalogue cache version changes, so a search costs one query (two when
the vocabulary was just reloaded)."""

import re
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

import snowballstemmer
from django.db.models import Count, Q
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from orchestre.catalog.models import Category, SearchTerm
from orchestre.core.cache_versions import CATALOG, current_version

# Where a word was found, as the weight stored on its posting.
NAME_WEIGHT = 10
CATEGORY_WEIGHT = 4
DEPARTMENT_WEIGHT = 2

# How well a query word matched a term; a posting scores weight × quality.
EXACT_QUALITY = 3
CLOSE_QUALITY = 2  # one edit away, or the query word is the start of the term
FAR_QUALITY = 1  # two edits away

MAX_TERM_LENGTH = 64  # SearchTerm.term max_length
MAX_QUERY_CHARACTERS = 200
MAX_QUERY_WORDS = 8
MIN_PREFIX_LENGTH = 2  # shortest start of a word suggestions expand
MIN_SEARCH_PREFIX_LENGTH = 3  # shortest cut-off word a search expands

STOP_WORDS = frozenset(
    {
        # English
        *("an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"),
        # French (accents already removed)
        *("au", "aux", "avec", "de", "des", "du", "en", "et", "la", "le", "les", "ou", "par"),
        *("pour", "sur", "un", "une"),
    }
)

_WORD = re.compile(r"[^\W_]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ħ": "h"})


def normalise(text: str) -> str:
    """Lower case without accents: "Noël Crème" → "noel creme"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def words(text: str) -> list[str]:
    """The searchable words of `text`, normalised, in order, repeats kept."""
    return [
        word
        for word in _WORD.findall(normalise(text))
        if (len(word) > 1 or word.isdigit())
        and len(word) <= MAX_TERM_LENGTH
        and word not in STOP_WORDS
    ]


_stemmers = threading.local()  # Snowball stemmers keep state while stemming a word


@lru_cache(maxsize=50_000)
def stems(word: str) -> frozenset[str]:
    """The English and French stems of a normalised word (often one and the same); a word
    with a digit (a code, a size) is its own stem."""
    if any(character.isdigit() for character in word):
        return frozenset((word,))
    if not hasattr(_stemmers, "english"):
        _stemmers.english = snowballstemmer.stemmer("english")
        _stemmers.french = snowballstemmer.stemmer("french")
    return frozenset(
        stem[:MAX_TERM_LENGTH]
        for stem in (_stemmers.english.stemWord(word), _stemmers.french.stemWord(word))
        if stem
    )


def terms(text: str) -> set[str]:
    """The index terms of `text`: the stems of its words."""
    return {stem for word in words(text) for stem in stems(word)}


@dataclass(frozen=True)
class Suggestion:
    label: str
    kind: str  # "product" | "category"
    slug: str


Cached = TypeVar("Cached")


class _CatalogueCached(Generic[Cached]):
    """A value read from the database and kept in this process until the catalogue cache
    version changes (every process then reloads it) or `clear()` is called (the index
    services do, so this process sees its own writes at once)."""

    def __init__(self, load: Callable[[], Cached]):
        self._load = load
        self._entry: tuple[int, Cached] | None = None

    def get(self) -> Cached:
        version = current_version(CATALOG)  # read before loading: a bump meanwhile reloads
        entry = self._entry
        if entry is None or entry[0] != version:
            entry = (version, self._load())
            self._entry = entry
        return entry[1]

    def clear(self) -> None:
        self._entry = None


@dataclass(frozen=True)
class _Vocabulary:
    terms: frozenset[str]
    ordered: tuple[str, ...]  # sorted, to find the terms starting with a prefix

    def starting_with(self, prefix: str) -> Iterable[str]:
        position = bisect_left(self.ordered, prefix)
        while position < len(self.ordered) and self.ordered[position].startswith(prefix):
            yield self.ordered[position]
            position += 1


def _load_vocabulary() -> _Vocabulary:
    # Sorted in Python: the databases' collations would order some terms differently.
    ordered = tuple(sorted(set(SearchTerm.objects.values_list("term", flat=True).distinct())))
    return _Vocabulary(terms=frozenset(ordered), ordered=ordered)


@dataclass(frozen=True)
class _CategoryEntry:
    category: Category
    terms: frozenset[str]
    product_count: int


def _load_categories() -> tuple[_CategoryEntry, ...]:
    categories = list(
        Category.objects.annotate(
            own_count=Count("products", filter=Q(products__is_active=True))
        ).order_by("position", "slug")
    )
    counts = {category.pk: category.own_count for category in categories}
    for category in categories:
        if category.parent_id in counts:
            counts[category.parent_id] += category.own_count
    return tuple(
        _CategoryEntry(
            category=category,
            terms=frozenset(terms(f"{category.name_fr} {category.name_en}")),
            product_count=counts[category.pk],
        )
        for category in categories
    )


_vocabulary = _CatalogueCached(_load_vocabulary)
_categories = _CatalogueCached(_load_categories)


def clear_caches() -> None:
    """Forget the vocabulary and categories held in this process."""
    _vocabulary.clear()
    _categories.clear()


def _query_words(text: str, *, typing: bool = False) -> list[str]:
    """The distinct words of a query, in order, at most MAX_QUERY_WORDS. When `typing`,
    a last word dropped as a stop word is kept: it may be the start of a longer word."""
    text = text[:MAX_QUERY_CHARACTERS]
    found = words(text)
    if typing:
        every_word = _WORD.findall(normalise(text))
        last = every_word[-1] if every_word else ""
        if MIN_PREFIX_LENGTH <= len(last) <= MAX_TERM_LENGTH and last not in found:
            found.append(last)
    return list(dict.fromkeys(found))[:MAX_QUERY_WORDS]


def _max_typos(word: str) -> int:
    if len(word) < 4 or any(character.isdigit() for character in word):
        return 0  # too short to tell a typo from another word; codes are typed exactly
    return 1 if len(word) <= 7 else 2


def _match_word(word: str, vocabulary: _Vocabulary, *, typing: bool) -> dict[str, int]:
    """The vocabulary terms a query word stands for, each with the quality of the match.

    A word whose stems are in the index matches them only, unless it is being typed (the
    last word of an autocomplete query), which also matches the terms it starts. An
    unknown word matches the terms it starts or, when it starts none, those within its
    typo allowance."""
    word_stems = stems(word)
    matches = {stem: EXACT_QUALITY for stem in word_stems if stem in vocabulary.terms}
    known = bool(matches)
    if known and not typing:
        return matches
    shortest = MIN_PREFIX_LENGTH if typing else MIN_SEARCH_PREFIX_LENGTH
    for start in {word, *word_stems}:
        if len(start) >= shortest:
            for term in vocabulary.starting_with(start):
                matches.setdefault(term, CLOSE_QUALITY)
    # Typos are a last resort: a word that starts known terms is being typed or cut off
    # ("lant" is "lantern", not "ant" or "sant").
    max_typos = 0 if matches else _max_typos(word)
    if max_typos:
        for candidate in {word, *word_stems}:
            for term, distance, _index in process.extract(
                candidate,
                vocabulary.ordered,
                scorer=Levenshtein.distance,
                score_cutoff=max_typos,
                limit=None,
            ):
                quality = CLOSE_QUALITY if distance <= 1 else FAR_QUALITY
                matches[term] = max(matches.get(term, 0), quality)
    return matches


def _rank(
    postings: Iterable[tuple[int, str, int, int]], word_matches: list[dict[str, int]]
) -> list[tuple[int, int]]:
    """(product id, words matched) best first, from postings (product id, term, weight,
    units sold): most words matched, then highest score (for each word, the best weight ×
    match quality among its terms), then most units sold, then smallest id."""
    uses: dict[str, list[tuple[int, int]]] = {}
    for position, matches in enumerate(word_matches):
        for term, quality in matches.items():
            uses.setdefault(term, []).append((position, quality))
    best: dict[int, list[int]] = {}
    units_sold: dict[int, int] = {}
    for product_id, term, weight, sold in postings:
        scores = best.get(product_id)
        if scores is None:
            scores = best[product_id] = [0] * len(word_matches)
            units_sold[product_id] = sold
        for position, quality in uses[term]:
            if weight * quality > scores[position]:
                scores[position] = weight * quality
    ranked = sorted(
        (scores.count(0), -sum(scores), -units_sold[product_id], product_id)
        for product_id, scores in best.items()
    )
    return [(product_id, len(word_matches) - missed) for missed, _, _, product_id in ranked]


def search_product_ids(text: str, *, limit: int = 500) -> list[int]:
    """Ids of the active products matching `text`, best match first, at most `limit`.

    Products matching every word come before those matching some; then name matches
    before category matches; then bestsellers. Text without a searchable word gives [].
    One query, two when the vocabulary is reloaded."""
    query_words = _query_words(text)
    if not query_words or limit <= 0:
        return []
    vocabulary = _vocabulary.get()
    word_matches = [_match_word(word, vocabulary, typing=False) for word in query_words]
    wanted = set().union(*word_matches)
    if not wanted:
        return []
    postings = SearchTerm.objects.filter(term__in=wanted, product__is_active=True).values_list(
        "product_id", "term", "weight", "product__units_sold"
    )
    return [product_id for product_id, _matched in _rank(postings, word_matches)[:limit]]


def suggest(text: str, *, limit: int = 8) -> list[Suggestion]:
    """Categories and products whose labels contain every word of `text`, the last word
    possibly cut off ("lant" → "Lanterns"), for an autocomplete list. A trailing space
    marks the last word as complete.

    At most three categories come first (those with the most products), then the
    bestselling products; categories fill the list when products run short. Category
    labels are in the active language. At most three queries (one when warm)."""
    typing = not text[-1:].isspace()
    query_words = _query_words(text, typing=typing)
    if not query_words or limit <= 0:
        return []
    vocabulary = _vocabulary.get()
    word_matches = [
        _match_word(word, vocabulary, typing=typing and position == len(query_words) - 1)
        for position, word in enumerate(query_words)
    ]
    if not all(word_matches):
        return []

    categories = sorted(
        (
            entry
            for entry in _categories.get()
            if entry.product_count and all(entry.terms & matches.keys() for matches in word_matches)
        ),
        key=lambda entry: (-entry.product_count, entry.category.slug),
    )
    postings = SearchTerm.objects.filter(
        term__in=set().union(*word_matches), weight=NAME_WEIGHT, product__is_active=True
    ).values_list(
        "product_id", "term", "weight", "product__units_sold", "product__name", "product__slug"
    )
    labels: dict[int, tuple[str, str]] = {}
    rows = []
    for product_id, term, weight, sold, name, slug in postings:
        labels[product_id] = (name, slug)
        rows.append((product_id, term, weight, sold))
    product_ids = [
        product_id
        for product_id, matched in _rank(rows, word_matches)
        if matched == len(word_matches)
    ]

    category_count = max(min(3, limit), limit - len(product_ids))
    chosen = [
        Suggestion(label=entry.category.name, kind="category", slug=entry.category.slug)
        for entry in categories[:category_count]
    ]
    chosen += [
        Suggestion(label=labels[product_id][0], kind="product", slug=labels[product_id][1])
        for product_id in product_ids[: limit - len(chosen)]
    ]
    return chosen
