"""Pygments lexer for Synoema, and its registration for Rich and Textual.

Rich's ``Syntax`` and Textual's ``Markdown`` fences both resolve a fence's language with
``pygments.lexers.get_lexer_by_name``; :func:`register_lexer` makes ``sno`` resolvable
without installing a package entry point (useful in a source checkout and in tests).

Note: ``__all__`` lists only lexer classes because Pygments' lazy loader walks it and
reads ``.name`` from every entry.
"""

from __future__ import annotations

from typing import ClassVar

from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

from synoema.fences import SYNOEMA_LANGS

__all__ = ["SynoemaLexer"]

KEYWORDS_NAMESPACE = ("mod", "use", "import")
KEYWORDS_DECLARATION = ("trait", "impl", "type", "derive")
KEYWORDS_TEST = ("test", "prop", "when")
KEYWORDS_RESERVED = ("lazy",)
CONSTANTS = ("true", "false")
ALL_KEYWORDS = KEYWORDS_NAMESPACE + KEYWORDS_DECLARATION + KEYWORDS_TEST + KEYWORDS_RESERVED + CONSTANTS

# Prelude and runtime functions worth telling apart from user names.
BUILTINS = (
    "print",
    "show",
    "readline",
    "error",
    "not",
    "map",
    "filter",
    "foldl",
    "foldr",
    "length",
    "head",
    "tail",
    "sum",
    "product",
    "take",
    "drop",
    "reverse",
    "zip",
    "concat",
    "concatMap",
    "index",
    "elem",
    "range",
    "min",
    "max",
    "abs",
    "even",
    "odd",
    "sqrt",
    "floor",
    "ceil",
    "round",
    "str_len",
    "str_slice",
    "str_find",
    "str_starts_with",
    "str_trim",
    "json_escape",
    "map_ok",
    "map_err",
    "unwrap",
    "unwrap_or",
    "is_ok",
    "is_err",
    "and_then",
    "file_read",
    "fd_open",
    "fd_open_write",
    "fd_readline",
    "fd_write",
    "fd_close",
    "fd_popen",
    "tcp_listen",
    "tcp_accept",
    "chan",
    "send",
    "recv",
)

_LOWER = r"[a-z][A-Za-z0-9_]*|_[A-Za-z0-9_]+"
_KEYWORD_GUARD = r"(?!(?:" + "|".join(ALL_KEYWORDS) + r")\b)"
# A definition line: ``name args = body`` or ``name : Type``. The look-ahead scans the
# head (no strings, no comments) up to a lone ``=`` that is not part of ``== <= >= !=``.
_DEFINITION = (
    r"^([ \t]*)" + _KEYWORD_GUARD + r"(" + _LOWER + r")"
    r"(?=[ \t]*:(?![:=])|(?:[^\n=\"'\-]|-(?!-))*?(?<![=!<>])=(?![=>]))"
)

# A type definition at the left margin: ``Shape = Circle Float | Point``.
_TYPE_DEFINITION = r"^[A-Z][A-Za-z0-9_]*(?=(?:[^\n=\"'\-]|-(?!-))*?(?<![=!<>])=(?![=>]))"


class SynoemaLexer(RegexLexer):
    """Lexer for Synoema source (``.sno``), written from the language's lexical rules."""

    name = "Synoema"
    aliases: ClassVar[list[str]] = sorted(SYNOEMA_LANGS)
    filenames: ClassVar[list[str]] = ["*.sno"]
    mimetypes: ClassVar[list[str]] = ["text/x-synoema"]
    url = "https://github.com/Delimitter/synoema"

    tokens: ClassVar[dict[str, list]] = {
        "root": [
            (_DEFINITION, bygroups(Whitespace, Name.Function)),
            (_TYPE_DEFINITION, Name.Class),
            include("code"),
        ],
        "code": [
            (r"\n", Whitespace),
            (r"[ \t]+", Whitespace),
            (r"---.*?$", String.Doc),
            (r"--.*?$", Comment.Single),
            (r'"', String.Double, "string"),
            (r"'(?:\\[nrt\\'\"0$]|[^'\\\n])'", String.Char),
            (r"\d+\.\d+(?:[eE][+-]?\d+)?", Number.Float),
            (r"\d+", Number.Integer),
            (
                r"\b(mod|use)([ \t]+)([A-Z][A-Za-z0-9_]*)",
                bygroups(Keyword.Namespace, Whitespace, Name.Namespace),
            ),
            (words(KEYWORDS_NAMESPACE, suffix=r"\b"), Keyword.Namespace),
            (words(KEYWORDS_DECLARATION, suffix=r"\b"), Keyword.Declaration),
            (words(KEYWORDS_TEST, suffix=r"\b"), Keyword),
            (words(KEYWORDS_RESERVED, suffix=r"\b"), Keyword.Reserved),
            (words(CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (words(BUILTINS, prefix=r"(?<![.\w])", suffix=r"\b"), Name.Builtin),
            (r"(\.)([a-z][A-Za-z0-9_]*)", bygroups(Operator, Name.Attribute)),
            (r"[A-Z][A-Za-z0-9_]*", Keyword.Type),
            (_LOWER, Name),
            (r"_", Keyword.Pseudo),
            (r"@[a-z][A-Za-z0-9_]*", Name.Decorator),
            (r"\.\.\.|\.\.|->|<-|\|>|\+\+|>>|==|!=|<=|>=|&&|\|\||\*\*", Operator),
            (r"[-+*/%<>=|\\.?:;@]", Operator),
            (r"\{", Punctuation, "braces"),
            (r"[()\[\],}]", Punctuation),
        ],
        # Braces nest inside interpolations, so ``}`` must be matched pairwise.
        "braces": [
            (r"\}", Punctuation, "#pop"),
            include("code"),
        ],
        "string": [
            (r'"', String.Double, "#pop"),
            (r"\\[nrt\\\"0$]", String.Escape),
            (r"\\.", String.Escape),
            (r"\$\{", String.Interpol, "interpolation"),
            (r'[^"\\$\n]+', String.Double),
            (r"\$", String.Double),
            (r"\n", Whitespace, "#pop"),  # unterminated string: recover on the next line
        ],
        "interpolation": [
            (r"\}", String.Interpol, "#pop"),
            include("code"),
        ],
    }


def register_lexer() -> type[SynoemaLexer]:
    """Make ``get_lexer_by_name("sno")`` (and ``*.sno`` filename lookup) work in this process.

    Pygments looks up built-in lexers in ``pygments.lexers.LEXERS`` (class name ->
    module, name, aliases, filenames, mimetypes) and caches classes by name in
    ``_lexer_cache``; adding both is what an installed entry point achieves. Idempotent.
    """
    import pygments.lexers as lexers

    entry = (
        __name__,
        SynoemaLexer.name,
        tuple(SynoemaLexer.aliases),
        tuple(SynoemaLexer.filenames),
        tuple(SynoemaLexer.mimetypes),
    )
    lexers.LEXERS[SynoemaLexer.__name__] = entry
    lexers._lexer_cache[SynoemaLexer.name] = SynoemaLexer
    return SynoemaLexer
