"""What each mistake is, in words: the habits `synoema.repair.mistakes` injects (compile errors) and
the logic slips `dialogue.builders.bugs` makes (wrong output), with the cause, the fix and the rule
to remember. The diagnostic itself (code, line, message, hint) always comes from the checker.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Habit:
    langs: tuple[str, ...]
    causes: tuple[str, ...]
    fixes: tuple[str, ...]
    rules: tuple[str, ...]


HABITS: dict[str, Habit] = {
    "list_commas": Habit(
        ("Python", "JavaScript"),
        ("List items are separated by spaces in Synoema, not commas, so the parser stops at the first comma.",
         "Synoema writes lists with spaces between the items; the comma is what the parser cannot read."),
        ("drop the commas between the list items", "separate the list items with spaces"),
        ("`[1 2 3]`, never `[1, 2, 3]`.", "list literals take spaces, not commas; parenthesise compound items like `[(a + 1) b]`."),
    ),
    "if_then_else": Habit(
        ("Haskell", "Python"),
        ("Synoema has no `if`, `then` or `else`: the only conditional is `? cond -> a : b`.",
         "`if ... then ... else` is not Synoema syntax; a conditional is written `? cond -> a : b`."),
        ("write the conditional as `? cond -> a : b`", "replace the `if` with `? cond -> a : b`"),
        ("`? c -> a : b` is the conditional; there is no `if` keyword.", "`if c then a else b` becomes `? c -> a : b`."),
    ),
    "def_return": Habit(
        ("Python",),
        ("`def` and `return` do not exist: a function is written `name params = body`, and the value of the body is the result.",
         "Synoema has no `def` and no `return`; a definition is just the name, its parameters, `=` and the body."),
        ("write the definition as `name params = body`, without `def` and `return`",
         "drop `def`, the parentheses around the parameters and the `return`"),
        ("no `def`, no `return`, no parentheses around parameters.", "a function body is an expression, and its value is the result."),
    ),
    "let_in": Habit(
        ("Haskell",),
        ("There is no `let ... in`: local names are indented lines inside the definition, with the result on the last line.",
         "Synoema has no `let ... in`; a local binding is an indented line of its own."),
        ("put each local binding on its own indented line, with the result last",
         "turn the `let` into indented lines and drop the `in`"),
        ("locals are indented lines; the last line is the value.", "no `let`/`in`: write `name = value` lines, then the result."),
    ),
    "where": Habit(
        ("Haskell",),
        ("There is no `where`: local bindings are indented lines before the result, and they are read in order.",
         "Synoema has no `where` clause; locals are defined above their use, inside an indented block."),
        ("move the bindings above the result as indented lines", "define the locals before the result instead of in a `where`"),
        ("no `where`: define locals before you use them.", "local names go in an indented block, result last."),
    ),
    "case_of": Habit(
        ("Haskell",),
        ("There is no `case ... of`: pattern matching is done with one equation per pattern.",
         "Synoema has no `case` expression; each pattern gets its own equation of the function."),
        ("write one equation per pattern instead of the `case`", "split the `case` into equations"),
        ("several equations, tried top to bottom, replace `case`.", "match with equations: `f [] = ...` then `f (x:xs) = ...`."),
    ),
    "lambda_backslash": Habit(
        ("JavaScript", "Python"),
        ("A lambda starts with a backslash, `\\x -> body`; `x -> body`, `lambda x:` and `x => body` are not Synoema.",
         "Anonymous functions are written `\\x -> body` in Synoema, backslash first."),
        ("write the lambda as `\\x -> ...`", "start the lambda with a backslash"),
        ("`\\x -> x + 1` is the only lambda syntax.", "a lambda is `\\params -> body`."),
    ),
    "comments": Habit(
        ("JavaScript", "Python"),
        ("Comments start with `--` in Synoema; `//` and `#` are not comments.",
         "Synoema comments begin with `--`, so `//` or `#` is read as code."),
        ("start the comment with `--`", "turn the comment marker into `--`"),
        ("`-- comment`, never `//` or `#`.", "comments are `--` to the end of the line."),
    ),
    "string_plus": Habit(
        ("Python", "JavaScript"),
        ("`+` only adds numbers; strings are joined with `++`, and a number goes into a string with `show` or `${}`.",
         "In Synoema `+` is arithmetic only. Text is concatenated with `++`."),
        ("join the strings with `++`", "use `++` for the strings (and `show` for a number)"),
        ("`\"a\" ++ \"b\"`, and `${n}` or `show n` for numbers.", "`+` adds numbers, `++` joins strings and lists."),
    ),
    "indexing": Habit(
        ("Python", "JavaScript"),
        ("There is no `xs[i]` indexing; a list element is read with `index i xs`, and the first one with `head xs`.",
         "Square-bracket indexing does not exist in Synoema: `[...]` after a name is a list literal."),
        ("use `index` (or `head`) instead of the brackets", "read the element with `index i xs`"),
        ("`index i xs`, not `xs[i]`.", "list access goes through functions: `head`, `index`, or a pattern."),
    ),
    "foreign_names": Habit(
        ("Python", "JavaScript", "Haskell"),
        ("`{bad}` is not a Synoema function; the library calls it `{good}`.",
         "The library has no `{bad}`: the Synoema name is `{good}`."),
        ("use `{good}`", "call `{good}` instead"),
        ("the library's name is `{good}`.", "when a name is unbound, check the library's spelling: here `{good}`."),
    ),
    "typo": Habit(
        ("Python",),
        ("`{bad}` is a misspelling of `{good}`.", "There is a typo: `{bad}` should be `{good}`."),
        ("spell it `{good}`", "fix the spelling to `{good}`"),
        ("an `unbound_variable` on a library call is usually a typo.", "check the spelling when a name is unbound."),
    ),
    "cons_pattern": Habit(
        ("Haskell",),
        ("A cons pattern needs its own parentheses, `(x:xs)`; without them the parameters are read apart.",
         "Patterns like `x:xs` must be parenthesised in Synoema: `(x:xs)`."),
        ("put the cons pattern in parentheses", "wrap `x:xs` in parentheses"),
        ("`f (x:xs) = ...`, always with parentheses.", "a cons pattern always sits in its own parentheses."),
    ),
    "call_syntax": Habit(
        ("Python", "JavaScript"),
        ("`f(a, b)` is call syntax from other languages; Synoema applies a function by writing its arguments after it, separated by spaces.",
         "Functions are applied by juxtaposition in Synoema: `f a b`, with no parentheses and no commas."),
        ("write the call as `f a b`", "drop the parentheses and commas of the call"),
        ("`f a b`, not `f(a, b)`.", "arguments follow the function, separated by spaces."),
    ),
    "missing_main": Habit(
        ("Python",),
        ("A program needs `main = ...` as its last definition; an expression at the top level is not run.",
         "There is no `main`: Synoema runs the definition `main`, and a bare expression at the top level is not a definition."),
        ("put the final steps back under `main =`", "make the last part a `main` definition again"),
        ("every program ends with `main = ...`.", "top-level lines are definitions; the program's work goes in `main`."),
    ),
    "foldr": Habit(
        ("Haskell",),
        ("There is no `foldr`: Synoema folds with `foldl`, whose function takes the accumulator first.",
         "`foldr` is not in the library; `foldl (\\acc x -> ...) start xs` is the fold."),
        ("use `foldl` with the accumulator as the first parameter", "write the fold with `foldl (\\acc x -> ...)`"),
        ("`foldl (\\acc x -> ...) start xs`: accumulator first.", "there is one fold, `foldl`."),
    ),
}

# Logic slips that compile and run but print the wrong thing (dialogue.builders.bugs).
BUGS: dict[str, Habit] = {
    "range_end": Habit(
        ("Python",),
        ("the range `{new}` goes one past the end: Synoema ranges include both ends, unlike Python's `range`",
         "`{new}` has one item too many, because `[a..b]` already includes `b`"),
        ("end the range at the last value you want: `{old}`", "write the range as `{old}`"),
        ("`[a..b]` includes `b`: no `+ 1` needed.", "both ends of a range are included."),
    ),
    "range_start": Habit(
        ("Python",),
        ("the range `{new}` starts at 0, so it has one item more than `{old}`",
         "counting from 0 in `{new}` adds an extra first item"),
        ("start the range at 1: `{old}`", "write `{old}`"),
        ("`[1..n]` has n items; `[0..n]` has n + 1.", "ranges include both ends, so check the first value too."),
    ),
    "range_index": Habit(
        ("Python",),
        ("`{new}` includes the last value, one position past the end of the list",
         "the range `{new}` runs one step too far, since its end is included"),
        ("stop one earlier: `{old}`", "write the range as `{old}`"),
        ("positions of a list of length n are `[0..n - 1]`.", "an included end means `- 1` for positions."),
    ),
    "compare": Habit(
        ("Python",),
        ("the comparison `{new}` should be `{old}`: the boundary value is treated the wrong way",
         "`{new}` lets the boundary case go the other way than `{old}` does"),
        ("compare with `{old}`", "use `{old}`"),
        ("check the boundary case of every comparison: `<` and `<=` differ exactly there.",
         "decide whether the edge value belongs in or out."),
    ),
    "fold_args": Habit(
        ("Haskell",),
        ("the lambda given to `foldl` names its parameters the wrong way round: the accumulator comes first, then the element",
         "`foldl` passes the accumulator first and the item second, so `{new}` mixes them up"),
        ("put the accumulator first: `{old}`", "swap the lambda's parameters back: `{old}`"),
        ("`foldl (\\acc x -> ...) start xs`: accumulator first.", "in `foldl`, the first parameter of the function is the accumulator."),
    ),
    "int_division": Habit(
        ("Python",),
        ("`/` on two Ints truncates, so dividing before multiplying in `{new}` throws the remainder away",
         "Int division truncates: `{new}` divides first and loses precision"),
        ("multiply first, then divide: `{old}`", "write `{old}`"),
        ("`/` on Ints truncates toward zero: divide last.", "with Ints, do the multiplications before the division."),
    ),
    "base_case": Habit(
        ("Python",),
        ("the base case `{new}` returns the wrong starting value, and every step builds on it",
         "`{new}` is the wrong base case: the recursion starts from the wrong value"),
        ("make the base case `{old}`", "return the right start value: `{old}`"),
        ("check the base case first: every result is built on it.", "a wrong base case shifts every result."),
    ),
    "fold_start": Habit(
        ("Python",),
        ("the fold in `{new}` starts from the wrong value, so everything built on it is off",
         "`{new}` starts the accumulator at the wrong value"),
        ("start the fold from `{old}`", "use the right start value: `{old}`"),
        ("a product starts at 1, a sum at 0.", "the start value of a fold is the answer for an empty list."),
    ),
    "take_drop": Habit(
        ("Python",),
        ("`{new}` is the wrong one of the pair: `take n` keeps the first n items, `drop n` removes them",
         "`take` and `drop` are swapped in `{new}`"),
        ("use `{old}`", "write `{old}`"),
        ("`take n xs` keeps n items, `drop n xs` skips them.", "take keeps, drop skips."),
    ),
    "no_reverse": Habit(
        ("Haskell",),
        ("the list is built in reverse and never turned around: `{new}` is missing the `reverse` of `{old}`",
         "a `reverse` is missing: `{new}` should be `{old}`"),
        ("reverse the result: `{old}`", "add the `reverse` back: `{old}`"),
        ("consing onto an accumulator builds the list backwards.", "`x : acc` in a fold reverses the order."),
    ),
}
