"""The sentences of built dialogues, several per slot (see `dialogue.wording`).

Fields in braces are filled with facts from the checker or the corpus; literal braces are doubled.
Before a ```sno block that the answer proposes, a template never says "your code" or "you wrote":
the app's scanner would read the block as the user's code quoted back (the validator checks it).
"""

from __future__ import annotations

TEMPLATES: dict[str, tuple[str, ...]] = {
    # ── how users show code ─────────────────────────────────────────────────────────────────
    "user.terse.explain": ("explain", "what does this do", "explain pls", "how does this work?", "what does this print?",
                           "eli5 this", "walk me through it", "explain this one"),
    "user.plain.explain": (
        "What does this program do?",
        "Can you explain this code?",
        "Could you explain what this prints and why?",
        "How does this program work?",
        "Walk me through this, please.",
        "I don't follow this code. What does it do?",
        "Explain this Synoema program to me, definition by definition.",
        "What is going on in this program?",
    ),
    "user.chatty.explain": (
        "Hi! I'm new to Synoema and found this in an old project. Could you walk me through it?",
        "I'm coming from Python and this looks alien to me. What does it do, and why does it print what it prints?",
        "A colleague left this in our repo. Can you explain it as if I had never seen the language?",
        "Preparing a Synoema workshop and I want to be sure I understand this example. How does it work?",
        "So I ran this and got some output, but I don't really get why. Can you explain?",
        "Reading through the examples and got stuck on this one. What are the pieces doing?",
    ),
    "user.focus.explain": (
        "Why does this print `{last}` at the end?",
        "Where does the `{last}` on the last line come from?",
        "What does `{name}` do here, and what's its type?",
        "Can you explain `{name}`? The rest I think I get.",
    ),
    "user.terse.fix": ("fix?", "doesn't compile", "error, help", "why does this fail", "what's wrong here", "broken, why?",
                       "help: won't run"),
    "user.plain.fix": (
        "Why won't this compile?",
        "This gives me an error and I can't see why.",
        "Can you help me fix this?",
        "What's wrong with this code?",
        "I can't get this to run. What did I do wrong?",
        "This fails to compile. How do I fix it?",
        "Where's the mistake here?",
    ),
    "user.chatty.fix": (
        "I'm coming from {lang} and I keep tripping over the syntax. This one won't compile:",
        "Been staring at this for ten minutes. What am I missing?",
        "Probably something silly, but this fails and I don't know why. Any idea?",
        "First day with Synoema. I wrote this the way I would in {lang} and it breaks. Help?",
        "My program used to work and now it doesn't after I edited it. Can you spot the problem?",
    ),
    "user.pasted": (
        "It says `error[{code}]` on line {line}: {message}",
        "The checker says: error[{code}] (line {line}): {message}",
        "I get `error[{code}]`: {message}",
    ),
    "user.pasted_block": (
        "Here's the error:",
        "Error output:",
        "This is what `synoema run` says:",
        "I get:",
    ),
    "user.terse.review": ("review?", "review pls", "thoughts?", "any feedback?", "is this ok?", "cr please"),
    "user.plain.review": (
        "Can you review this?",
        "Any feedback on this code?",
        "Is this idiomatic Synoema?",
        "It works, but can it be cleaner?",
        "Code review please. Be picky.",
        "Please review this before I commit it.",
        "How would you improve this?",
    ),
    "user.chatty.review": (
        "This works, but it feels clunky to me. Could you review it and tell me what an experienced Synoema programmer would change?",
        "I wrote this for a small tool at work. It passes my tests; is there anything risky or wasteful in it?",
        "Coming from {lang}, I'm never sure whether I'm writing Synoema the Synoema way. Mind reviewing this?",
        "Quick sanity check on this code? I'd like it to be readable for the next person.",
    ),
    "user.wrong_output": (
        "This runs, but it prints the wrong thing. I get:\n\n```text\n{got}\n```\n\nbut I expected:\n\n```text\n{expected}\n```",
        "No errors, but the output is off. Expected:\n\n```text\n{expected}\n```\n\nActual:\n\n```text\n{got}\n```",
        "It compiles and runs, yet the result isn't what I want. It shows\n\n```text\n{got}\n```\n\ninstead of\n\n```text\n{expected}\n```",
    ),
    "user.wrong_output_short": (
        "Why does this print `{got}`? I want `{expected}`.",
        "Expected `{expected}` but got `{got}`. What's off?",
        "This gives `{got}` but the answer should be `{expected}`.",
        "bug: prints `{got}`, should be `{expected}`",
    ),
    # ── explain ─────────────────────────────────────────────────────────────────────────────
    "explain.intro": (
        "This program has {defs} and prints {lines}; the last one is {last}.",
        "In short: {defs}, and a run prints {lines}, the last being {last}.",
        "It is a program with {defs}. Run it and you get {lines}, ending with {last}.",
        "The program consists of {defs}; when run it prints {lines}, finishing with {last}.",
        "{defs_cap} make up this program, and running it prints {lines} (the last is {last}).",
    ),
    "explain.idea": (
        "The idea: {approach}",
        "How it works, in one sentence: {approach}",
        "{approach}",
        "The approach: {approach}",
    ),
    "explain.defs": (
        "**Definitions**, in order:",
        "Here is what each definition does:",
        "Going through it from top to bottom:",
        "Definition by definition:",
        "Step by step:",
    ),
    "explain.item": (
        "- **`{name} : {sig}`** (line {line}): {text}",
        "- `{name}` (line {line}) has the type `{sig}`. {text}",
        "- **{name}** (`{name} : {sig}`): {text}",
        "- Line {line}, `{name} : {sig}`. {text}",
    ),
    "explain.item_untyped": (
        "- **`{name}`** (line {line}): {text}",
        "- `{name}` on line {line}: {text}",
        "- Line {line}, `{name}`: {text}",
    ),
    "explain.features": (
        "Language features used: {features}.",
        "Features worth noticing: {features}.",
        "On the language side it uses {features}.",
        "The Synoema features at work here are {features}.",
    ),
    "explain.output": (
        "**What it prints:**",
        "Running it prints:",
        "**Output:**",
        "When you run it with `synoema run`, you get:",
        "Its output:",
    ),
    "display.unit": (
        "The last line, `()`, is the value of `main`: `main` ends with a `print`, and `print` gives `()`.",
        "`main` ends with a `print`, so after the printed lines `synoema run` shows the value of `main`, which is `()`.",
        "The final `()` is not a mistake: it is the value of `main`, whose last step is a `print`.",
    ),
    "display.value_after_print": (
        "The last line is the value of `main` (of type `{type}`); the lines before it come from `print`.",
        "Every line but the last comes from `print`; the last one is `main` itself, of type `{type}`.",
        "`print` writes the first lines, then `synoema run` shows the value of `main` (type `{type}`).",
    ),
    "display.value_only": (
        "That is the value of `main`, of type `{type}`, shown with the usual display rules.",
        "`main` is a `{type}`, and `synoema run` displays its value.",
        "Nothing is printed with `print`: the output is the value of `main`, of type `{type}`.",
    ),
    "display.strings": (
        "Strings are shown without quotes, also inside a list.",
        "Note that the strings appear without quotes, even inside the list.",
        "The display drops the quotes of strings, inside lists too.",
    ),
    "display.lists": (
        "Lists print as `[a b c]`: items separated by spaces, no commas.",
        "A list is displayed with spaces between its items, like `[1 2 3]`.",
        "The list display has no commas: `[1 2 3]`.",
    ),
    "display.float": (
        "Floats always show a decimal point, so a whole number prints like `3.0`.",
        "A Float is displayed with its decimal point even when it is whole (`2.0`).",
    ),
    "display.records": (
        "Records print as `{{field = value, ...}}`, fields in the order they were written.",
        "A record is displayed with its fields: `{{name = value, ...}}`.",
    ),
    "display.constructors": (
        "A constructor prints as its name followed by its fields, like `Ok 3`; a nested one gets parentheses.",
        "Constructors show as the constructor name and its arguments (`Ok 3`), parenthesised when nested.",
    ),
    "display.bool": (
        "Booleans print as `true` and `false`.",
        "A Bool is displayed as `true` or `false`.",
    ),
    "display.negative": (
        "Negative numbers print with a plain minus sign, like `-3`, although in a list literal you write `(-3)`.",
        "In the output a negative number is just `-3`; only the source needs `(-3)` inside a list.",
    ),
    # ── follow-ups ──────────────────────────────────────────────────────────────────────────
    "follow.why_unit.ask": (
        "why is there a () at the end?",
        "What's the `()` on the last line?",
        "wait, where does the () come from?",
        "Why does it print () after everything?",
    ),
    "follow.why_unit.answer": (
        "`synoema run` prints what `print` wrote and then the value of `main`. Here `main` ends with a `print`, and a `print` returns the unit value `()`, so `()` is the value of `main` and comes last.",
        "The `()` is the value of `main`. Each `print` writes its line and returns `()`; since the last step of `main` is a `print`, the whole `main` is `()`, and `synoema run` shows it after the printed lines.",
        "It is `main`'s own value. A program's output is the printed lines followed by the value of `main`, and a `main` that ends with `print` has the value `()`.",
    ),
    "follow.type.ask": (
        "what's the type of `{name}`?",
        "What type does `{name}` have?",
        "and `{name}`, what's its type?",
        "Which type does the checker give `{name}`?",
    ),
    "follow.type.answer": (
        "The checker infers `{name} : {sig}`.",
        "`{name} : {sig}`, as inferred by the checker (no annotation needed).",
        "Its inferred type is `{name} : {sig}`.",
    ),
    "follow.floats.ask": (
        "now for Floats",
        "Can you make it work on Floats?",
        "same thing but with floats?",
        "How would this look with Float numbers instead?",
    ),
    "follow.floats.answer": (
        "Write the numbers as Float literals, with a decimal point. Int and Float never mix, so the literals the values meet must be Floats too:",
        "Only the literals change: a Float needs its decimal point (`2.0`), and since Int and Float do not mix, every number that meets them becomes a Float:",
        "Use Float literals throughout (`1.0`, not `1`); nothing converts between Int and Float automatically. The Float version:",
    ),
    "follow.shorter.ask": (
        "make it shorter",
        "Can you make it shorter?",
        "shorter please",
        "Is there a more compact way to write this?",
    ),
    "follow.shorter.answer": (
        "A shorter version that prints the same ({before} tokens down to {after}):",
        "Here it is in fewer tokens ({before} to {after}), with the same output:",
        "Tighter, same output ({before} → {after} tokens):",
    ),
    "follow.why_fix.ask": (
        "why?",
        "why is that an error though?",
        "Why does Synoema work like that?",
        "ok but why",
    ),
    "follow.why_fix.answer": (
        "{rule} The checker's own hint says it too: {hint}",
        "Because {rule_lc} The compiler's hint for `{code}`: {hint}",
        "{rule} That is what `{code}` is telling you; its hint reads: {hint}",
    ),
    # ── fix ─────────────────────────────────────────────────────────────────────────────────
    "fix.problem": (
        "**Problem:** `{code}` on line {line}: {message}. {cause}",
        "**Problem:** the checker stops with `{code}` at line {line} ({message}). {cause}",
        "**Problem:** line {line} fails with `{code}`. {cause}",
        "**Problem:** `{code}`, line {line}. {cause}",
    ),
    "fix.second": (
        "There is a second mistake on line {line}: {cause}",
        "Once that is fixed, line {line} fails too: {cause}",
        "Line {line} has another habit from {lang}: {cause}",
    ),
    "fix.quote": ("The offending {lines}:", "Here:", "This is the part that breaks:", "The {lines} in question:"),
    "fix.fix": (
        "**Fix:** {fix}.",
        "**Fix:** {fix}; the rest stays as it was.",
        "**Fix:** {fix}, nothing else changes.",
    ),
    "fix.fix2": (
        "**Fix:** {fix} and {fix2}.",
        "**Fix:** {fix}; also {fix2}.",
    ),
    "fix.rule": ("Remember: {rule}", "Rule to remember: {rule}", "The habit to drop: {rule}", "In short: {rule}"),
    "fix.output_problem": (
        "**Problem:** nothing fails: the program runs, but {cause} (line {line}), so it prints {got} instead of {expected}.",
        "**Problem:** it compiles and runs; the bug is on line {line}: {cause}. That is why you see {got} and not {expected}.",
        "**Problem:** no error, just a logic slip on line {line}: {cause}. The result is {got} where {expected} was wanted.",
    ),
    "fix.output_fix": (
        "**Fix:** {fix}. Now it prints what you expected:",
        "**Fix:** {fix}:",
        "**Fix:** {fix}, and the output matches:",
    ),
    # ── review ──────────────────────────────────────────────────────────────────────────────
    "review.verdict": (
        "**Verdict:** it works, but {findings} would make it simpler.",
        "**Verdict:** correct for this input; {findings} to clean up.",
        "**Verdict:** fine in behaviour, with {findings} worth fixing.",
        "**Verdict:** it does the job; {findings} make it harder to read than it needs to be.",
    ),
    "review.verdict_risky": (
        "**Verdict:** it prints the right thing today, but {findings} include a real risk.",
        "**Verdict:** works for this input; {findings}, the first one a crash waiting to happen.",
    ),
    "review.findings": ("**Findings**, most serious first:", "Findings:", "What I would change:", "In order of importance:"),
    "review.item": (
        "{n}. **Line {line}** ({severity}): {message}",
        "{n}. {message} (line {line}, {severity})",
        "{n}. Line {line}: {message}",
    ),
    "review.suggest": ("Suggested: {suggestion}.", "Better: {suggestion}.", "Write {suggestion} instead."),
    "review.revised": (
        "**Revised program** (it prints exactly the same):",
        "Revised, with the same output:",
        "With those changes applied, and printing the same:",
        "The cleaned-up program:",
    ),
    "review.good": (
        "**Verdict:** looks good. The definitions are small, the patterns cover their cases and the library does the looping; I would not change anything.",
        "**Verdict:** this is clean, idiomatic Synoema; nothing to change.",
        "**Verdict:** no findings. It reads well and uses the language the way it is meant to be used.",
    ),
    "review.good_detail": (
        "It type-checks with {sigs}, and it prints what it should:",
        "For the record, the checker infers {sigs}, and the run prints:",
        "The types come out as {sigs}; running it gives:",
    ),
    # ── ask ─────────────────────────────────────────────────────────────────────────────────
    "ask.example": (
        "For example:",
        "A minimal example:",
        "Here it is in a program:",
        "A small program that shows it:",
        "To see it run:",
    ),
    "ask.type_answer": (
        "`{name} : {type}`. {doc}",
        "Its type is `{name} : {type}`: {doc_lc}",
        "`{name}` has the type `{name} : {type}`. {doc}",
    ),
    "ask.value_answer": (
        "It evaluates to `{value}`, a `{type}`.",
        "`{value}` (of type `{type}`).",
        "The result is `{value}`; its type is `{type}`.",
    ),
    "ask.expr_type_answer": (
        "The checker gives it the type `{type}`.",
        "Its type is `{type}`.",
        "`{type}`, as the checker infers it.",
    ),
    "ask.no_such": (
        "There is no `{name}` in Synoema. Use `{instead}`: {doc_lc}",
        "Synoema has no `{name}`; the library function is `{instead}`. {doc}",
        "No, `{name}` does not exist here. Write `{instead}` instead: {doc_lc}",
    ),
    "ask.code_meaning": (
        "`{code}` means: {meaning} {hint}",
        "The checker reports `{code}` when {meaning_lc} {hint}",
        "`{code}`: {meaning} How to fix it: {hint_lc}",
    ),
    "ask.code_example": (
        "For example `{bad}` fails with `{code}`; the working version:",
        "`{bad}` is a typical case. Fixed:",
        "A typical trigger is `{bad}`. It works once written like this:",
    ),
    "ask.code_example_block": (
        "Written like that, it fails with `{code}`. The working version:",
        "That fails with `{code}`; fixed:",
        "The checker rejects it with `{code}`. This one runs:",
    ),
    "ask.passage_lead": ("{text}", "Short answer: {text}", "{text}"),
    # ── write ───────────────────────────────────────────────────────────────────────────────
    "write.user": (
        "{prompt}",
        "Can you write this in Synoema? {prompt}",
        "Task: {prompt}",
        "{prompt} Keep it simple, please.",
        "write a synoema program for this: {prompt}",
        "I need a small program. {prompt}",
    ),
    "write.approach": ("{approach}", "Approach: {approach}", "The idea: {approach}", "{approach} The program:"),
}
