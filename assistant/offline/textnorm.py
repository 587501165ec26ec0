"""Turning questions and passages into search terms: tokens, a light stemmer, programming synonyms.

Questions about code mix English ("concatenate two lists"), other languages' words ("elif",
"hashmap") and operators (`|>`, `++`). Operators become words, words are stemmed with a small
suffix stripper (plurals, -ing, -ed, ...), and the query side is expanded with synonyms so that
"glue" finds a passage about joining and "if" one about conditionals.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Operators and symbols that carry meaning in questions, as the word they are indexed under.
SYMBOLS: dict[str, str] = {
    "|>": "pipe",
    ">>": "compose",
    "++": "concat",
    "${": "interpolation",
    "...": "spread",
    "..": "range",
    "->": "arrow",
    "<-": "generator",
    "==": "equal",
    "!=": "notequal",
    "<=": "compare",
    ">=": "compare",
    "&&": "logical",
    "||": "logical",
    "**": "power",
    "%": "modulo",
    "()": "unit",
    "[]": "emptylist",
    "!!": "index",
    "--": "comment",
    "?": "question",
    "\\": "backslash",
    ";": "semicolon",
    "_": "underscore",
    ",": "comma",
    "+": "plus",
}
_SYMBOL_RE = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_TOKEN = re.compile(rf"[A-Za-z][A-Za-z0-9_']*|[0-9]+(?:\.[0-9]+)?|{_SYMBOL_RE}|\b_\b")

STOPWORDS = frozenset(
    ["a", "an", "the", "i", "me", "my", "we", "our", "you", "your", "it", "its", "it's", "this", "that", "these", "those", "there", "there's", "here", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "doing", "done", "have", "has", "had", "having", "can", "could", "should", "would", "will", "shall", "may", "might", "must", "of", "in", "on", "at", "to", "for", "from", "by", "with", "without", "about", "into", "onto", "over", "under", "as", "than", "then", "so", "such", "and", "or", "but", "if", "not", "no", "nor", "also", "just", "only", "very", "too", "how", "what", "which", "who", "whom", "whose", "why", "when", "whats", "what's", "hows", "how's", "get", "gets", "got", "getting", "give", "gives", "gave", "make", "makes", "made", "let", "lets", "want", "wants", "wanted", "need", "needs", "like", "use", "used", "using", "way", "ways", "thing", "things", "something", "anything", "some", "synoema", "sno", "language", "lang", "please", "thanks", "hi", "hello", "one", "two", "instead", "mean", "means", "work", "works", "working", "same", "other", "another", "else", "again", "still"]
)
# Words that are stopwords in English but carry a programming meaning.
_KEEP = frozenset({"if", "else", "then", "not", "and", "or", "all", "any", "each", "one", "two", "let",
                   "where", "for", "in", "no", "empty", "first", "same", "other"})
STOP = STOPWORDS - _KEEP

# Query words and the terms they also look for (after stemming). Both directions are listed
# where the relation is symmetric; one-way entries map a habit from another language to ours.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("concat", "concatenate", "concatenation", "append", "join", "glue", "combine", "merge"),
    ("condition", "conditional", "if", "else", "then", "ternary", "branch", "elif", "elseif"),
    ("function", "func", "fn", "def", "procedure", "subroutine"),
    ("list", "array", "vector"),
    ("dictionary", "dict", "hashmap", "hash", "associative"),
    ("element", "item", "entry", "member"),
    ("occurrence", "frequency", "tally", "histogram", "appear"),
    ("alias", "synonym", "rename"),
    ("comma", "separator", "delimiter"),
    ("error", "exception", "throw", "raise", "panic", "abort", "crash", "fail", "failure"),
    ("print", "output", "console", "stdout", "display", "printf", "println", "echo", "show"),
    ("string", "text", "str"),
    ("integer", "int", "number", "numeric", "digit", "whole"),
    ("float", "decimal", "real", "fraction"),
    ("record", "struct", "object", "field", "property", "attribute"),
    ("loop", "while", "iterate", "repeat", "for"),
    ("lambda", "anonymous", "closure", "arrow"),
    ("pattern", "match", "destructure", "unpack", "case", "switch"),
    ("length", "size", "len", "count", "long", "many"),
    ("first", "head", "front", "begin", "start"),
    ("rest", "tail", "remainder"),
    ("remove", "delete", "drop", "erase"),
    ("change", "modify", "update", "set", "mutate", "alter", "assign", "reassign"),
    ("variable", "binding", "local", "let", "var", "const"),
    ("type", "typ", "kind"),
    ("enum", "enumeration", "variant", "constructor", "union", "sum", "adt"),
    ("generic", "polymorphic", "parametric", "template"),
    ("trait", "interface", "typeclass", "class", "protocol"),
    ("module", "namespace", "package", "mod"),
    ("import", "include", "require", "file"),
    ("read", "input", "stdin", "readline", "scan", "prompt", "keyboard"),
    ("split", "tokenize", "explode", "separate"),
    ("trim", "strip", "whitespace"),
    ("find", "search", "contain", "locate", "index", "indexof", "position"),
    ("slice", "substring", "substr", "part", "portion"),
    ("sort", "order", "ascend", "arrange"),
    ("sum", "total", "add"),
    ("fold", "reduce", "accumulate", "aggregate", "foldl", "foldr", "inject"),
    ("filter", "select", "keep", "choose"),
    ("transform", "map", "apply"),
    ("maximum", "max", "larger", "largest", "bigger", "biggest", "greatest"),
    ("minimum", "min", "smaller", "smallest", "least"),
    ("compare", "comparison", "equal", "equality", "less", "greater"),
    ("boolean", "bool", "logical", "logic", "true", "false"),
    ("comment", "annotation", "remark"),
    ("signature", "annotate", "declare"),
    ("tuple", "pair", "couple"),
    ("maybe", "option", "optional", "nullable", "null", "nil", "none", "nothing", "just"),
    ("result", "ok", "err", "either"),
    ("zip", "pairwise", "elementwise"),
    ("flatten", "concatmap", "nested"),
    ("interpolation", "interpolate", "template", "format", "fstring", "placeholder", "embed"),
    ("recursion", "recursive", "recurse", "fibonacci", "factorial"),
    ("immutable", "mutable", "mutation", "reassign", "constant"),
    ("lazy", "strict", "eager", "evaluation"),
    ("test", "unittest", "assert", "property"),
    ("argument", "argv", "args", "flag", "cli"),
    ("environment", "env", "getenv"),
    ("range", "sequence", "interval"),
    ("comprehension", "generator"),
    ("json", "parse", "decode", "deserialize"),
    ("convert", "conversion", "cast", "coerce", "parse"),
    ("sequence", "sequencing", "semicolon", "statement"),
    ("unit", "void"),
    ("indentation", "indent", "offside", "whitespace", "continuation", "multiline"),
    ("precedence", "priority", "binds", "tighter", "associativity"),
)


_SUFFIXES: tuple[tuple[str, str, int], ...] = (
    # suffix, replacement, minimum stem length left
    ("ational", "ate", 3),
    ("ization", "ize", 3),
    ("ations", "ate", 3),
    ("ation", "ate", 3),
    ("ments", "", 4),
    ("ment", "", 4),
    ("ness", "", 4),
    ("ings", "", 4),
    ("ing", "", 4),
    ("ies", "y", 2),
    ("ied", "y", 2),
    ("sses", "ss", 2),
    ("ses", "s", 3),
    ("xes", "x", 2),
    ("ches", "ch", 2),
    ("shes", "sh", 2),
    ("edly", "", 4),
    ("ed", "", 4),
    ("ically", "ic", 4),
    ("ally", "al", 4),
    ("ly", "", 4),
    ("s", "", 3),
)
_NO_STEM = frozenset({"is", "was", "has", "does", "this", "class", "pass", "less", "unless", "always", "alias",
                      "string", "nothing", "thing", "anything", "bring", "args", "ts", "xs", "ys", "series",
                      "sequence", "process", "access", "address", "canvas", "bus", "plus", "minus", "status",
                      "focus", "bonus", "virus", "ins", "its", "gas", "lens", "ads", "news", "tens", "yes",
                      "parens", "keyed", "need", "speed", "feed", "seed", "embed", "red", "bed", "shed", "fed"})


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A small suffix stripper: enough to match plural/verb forms of programming words."""
    if len(word) <= 3 or word in _NO_STEM or not word.isalpha():
        return word
    for suffix, repl, min_stem in _SUFFIXES:
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if len(base) < min_stem:
                continue
            base += repl
            # mapping -> map, stopped -> stop (but keep -ll / -ss / -zz)
            if suffix in ("ing", "ed", "ings") and len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            return _strip_e(base)
    return _strip_e(word)


def _strip_e(word: str) -> str:
    """handle/handling and compose/composed meet at `handl` and `compos`."""
    return word[:-1] if len(word) > 4 and word.endswith("e") and not word.endswith("ee") else word


def _build_synonyms() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for group in SYNONYM_GROUPS:
        stems = {stem(w) for w in group}
        for s in stems:
            table.setdefault(s, set()).update(stems - {s})
    return {k: frozenset(v) for k, v in table.items()}


SYNONYMS = _build_synonyms()


# Phrases whose meaning is more than their words, rewritten before tokenizing.
PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"\b(?:number|int|integer|float|value)s?\s+(?:in)?to\s+(?:a\s+)?(?:string|text)\b", " tostring "),
        (r"\b(?:string|text)s?\s+(?:in)?to\s+(?:an?\s+)?(?:number|int|integer)\b", " parse integer "),
        (r"\belement\s+by\s+element\b|\bpairwise\b", " elementwise "),
        (r"\b(?:several|multiple|many|two|more)\s+lines\b|\bnext\s+line\b", " multiline continuation "),
        (r"\b(?:another|other|new|second|different)\s+name\b", " alias "),
        (r"\bcheck\s+(?:if|whether)\b", " check "),
        (r"\bround(?:ed|ing|s)?\s+down\b", " floor "),
        (r"\bround(?:ed|ing|s)?\s+up\b", " ceil "),
        (r"\b\d+\s+to\s+\d+\b", " range "),
        (r"\bhow\s+many\s+times\b", " occurrence "),
        (r"\(\s*[-+*/%]\s*\w+\s*\)|\(\s*\w+\s*[-+*/%]\s*\)", " section "),
        (r"(?<![\w)\]])-\d", " negative "),
        (r"\?+(?=\s*(?:\n|$))", " "),  # a question mark that ends a sentence
    )
)


def raw_tokens(text: str) -> list[str]:
    """Words, numbers and meaningful symbols of `text`, lower-cased; identifiers are also split at `_`."""
    for pattern, replacement in PHRASES:
        text = pattern.sub(replacement, text)
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if tok in SYMBOLS:
            out.append(SYMBOLS[tok])
            continue
        low = tok.lower().strip("'")
        if not low:
            continue
        if low.endswith("'s"):
            low = low[:-2]
        out.append(low)
        if "_" in low:
            out.extend(part for part in low.split("_") if part)
    return out


def terms(text: str) -> list[str]:
    """Index terms: tokens without stopwords, stemmed."""
    return [stem(t) for t in raw_tokens(text) if t not in STOP]


Concept = tuple[float, dict[str, float]]
"""One query word: its weight and the terms that count for it (itself 1.0, synonyms less)."""


def query_concepts(text: str, synonym_weight: float = 0.4) -> list[Concept]:
    """The query as concepts; a document scores the best of a concept's terms, never their sum."""
    counts: dict[str, int] = {}
    for t in terms(text):
        counts[t] = counts.get(t, 0) + 1
    concepts: list[Concept] = []
    for t, n in counts.items():
        expansions = {t: 1.0}
        for syn in SYNONYMS.get(t, ()):
            if syn not in counts:
                expansions[syn] = synonym_weight
        concepts.append((1.0 + 0.5 * (n - 1), expansions))
    return concepts
