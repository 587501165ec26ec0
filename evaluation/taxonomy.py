"""Why a sample failed: one bucket per failing sample, in the recipe's terms where it has them.

The habits a model brings from other languages are recognised by the rule-based repair itself:
the first rule that changed the code names the habit (a `def ... return` rewrite is a Python leak,
`if then else` or `where` a Haskell leak, `and`/`+` on strings a wrong operator). Failures no rule
explains fall into buckets by the stage that failed and the first error's diagnostic code.
"""

from __future__ import annotations

from collections.abc import Sequence

# Buckets, in the order reports list them, with the label shown to people.
BUCKETS: dict[str, str] = {
    "generation_error": "Generation error (the backend failed)",
    "no_code": "No code in the reply",
    "python_leak": "Python syntax leak",
    "haskell_leak": "Haskell syntax leak",
    "wrong_operator": "Wrong operator",
    "hallucinated_syntax": "Hallucinated syntax",
    "program_structure": "Program structure (order, local equations, no main)",
    "unknown_name": "Unknown or misused name",
    "type_mismatch": "Type mismatch",
    "arity_error": "Arity error",
    "no_main": "No main (definitions or a bare expression)",
    "runtime_error": "Runtime error",
    "limit": "Time or memory limit",
    "refused": "Needs files, network or processes (not run)",
    "logic_error": "Logic error (runs, wrong output)",
}

# The rule names of `synoema.repair`'s edits (`Edit.rule`), by the habit each one undoes.
RULE_BUCKETS: dict[str, str] = {
    **dict.fromkeys(
        ("def_return", "if_statement", "comment_syntax", "comprehension", "method_call", "call_syntax",
         "indexing", "list_commas", "lambda_backslash", "f_string", "template_string", "string_quotes",
         "booleans", "floor_division"),
        "python_leak",
    ),
    **dict.fromkeys(
        ("if_then_else", "let_in", "where_block", "case_of", "guards", "headers", "data_decl",
         "type_signature", "do_block", "section", "primed_names", "cons_pattern", "backtick_infix"),
        "haskell_leak",
    ),
    **dict.fromkeys(("word_operators", "operators", "string_concat", "negative_element"), "wrong_operator"),
    **dict.fromkeys(("missing_main", "local_equations", "definition_order"), "program_structure"),
    **dict.fromkeys(("foreign_name", "typo", "missing_function", "builtin_for_type"), "unknown_name"),
    **dict.fromkeys(("zip_pairs", "show_value", "compare_types"), "type_mismatch"),
}

_TYPE_CODES: dict[str, str] = {
    "unbound_variable": "unknown_name",
    "undefined_global": "unknown_name",
    "import_not_found": "unknown_name",
    "arity_mismatch": "arity_error",
    "duplicate_definition": "program_structure",
}


def classify(
    *,
    generation_error: bool,
    extracted: bool,
    parses: bool,
    types: bool,
    is_program: bool,
    runs: bool,
    run_skipped: bool,
    correct: bool,
    first_error: str | None,
    repair_rules: Sequence[str] = (),
) -> str | None:
    """The bucket of a failing sample; None when it is correct."""
    if correct:
        return None
    if not extracted:
        return "generation_error" if generation_error else "no_code"
    if not (parses and types):
        for rule in repair_rules:
            if rule in RULE_BUCKETS:
                return RULE_BUCKETS[rule]
        if not parses:
            return "hallucinated_syntax"
        return _TYPE_CODES.get(first_error or "", "type_mismatch")
    if not is_program:
        return "no_main"
    if run_skipped:
        return "refused"
    if not runs:
        return "limit" if first_error == "limit_exceeded" else "runtime_error"
    return "logic_error"
