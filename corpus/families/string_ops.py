"""String operations: manipulation, formatting and parsing with the string builtins."""

from __future__ import annotations

import json

from .core import (
    ANIMALS,
    CITIES,
    COLORS,
    FRUITS,
    ITEMS,
    NAMES,
    PEOPLE,
    WORDS,
    Gen,
    english_list,
    family,
    helper,
    lit,
    quote,
)

C = "string_ops"

LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = LOWER.upper()
def _chars(g: Gen) -> None:
    helper(g, "chars")


def _phrase(g: Gen, n: int) -> str:
    return " ".join(g.sample(WORDS + FRUITS + ANIMALS, n))


@family(C, "strings", "recursion")
def reverse_string(g: Gen) -> None:
    ws = g.sample(WORDS + FRUITS + ANIMALS + PEOPLE, g.int(3, 6))
    style = g.style("chars_reverse", "recursion", "fold")
    if style == "chars_reverse":
        _chars(g)
        g.define('rev s = str_join "" (reverse (chars s))')
        g.approach("Split into one-letter strings, reverse the list and join it back.")
    elif style == "recursion":
        g.define('from_end s i = ? i == 0 -> "" : str_slice s (i - 1) i ++ from_end s (i - 1)\n\nrev s = from_end s (str_len s)')
        g.approach("Walk the positions from the end, taking one letter at a time.")
    else:
        g.define('rev s = foldl (\\acc i -> str_slice s i (i + 1) ++ acc) "" [0..(str_len s - 1)]')
        g.approach("Fold over the positions, putting each letter in front of what was built so far.")
    phrase = g.each(lambda x: f"rev {x}", ws, [w[::-1] for w in ws], what="the reversed string", direct="rev")
    g.task(f"Write `rev s` that reverses a string (there is no built-in; use `str_slice` and `str_len`). In `main`, {phrase}.")


@family(C, "strings")
def palindrome(g: Gen) -> None:
    cands = ["level", "rotor", "kayak", "noon", "stats", "refer", "civic", "madam", "tenet"]
    ws = g.sample(cands, g.int(1, 2)) + g.sample(WORDS + FRUITS, g.int(1, 3))
    ws = g.shuffled(ws)
    spaced = g.chance(0.4)
    if spaced:
        ws.append(g.pick(["never odd or even", "step on no pets", "top spot", "was it a rat i saw", "no lemon no melon"]))
    _chars(g)
    style = g.style("reverse", "indices")
    strip = "filter (\\c -> c != \" \") (chars s)" if spaced else "chars s"
    if style == "reverse":
        g.define(f"is_pal s =\n  cs = {strip}\n  cs == reverse cs")
        g.approach("Compare the letters with their reverse.")
    else:
        g.define(f"is_pal s =\n  cs = {strip}\n  n = length cs\n  length (filter (\\i -> index i cs != index (n - 1 - i) cs) [0..(n - 1)]) == 0")
        g.approach("Check that letter i equals letter n - 1 - i for every position.")
    g.tag("local_block")

    def pal(s):
        t = s.replace(" ", "") if spaced else s
        return t == t[::-1]

    phrase = g.each(lambda x: f"is_pal {x}", ws, [pal(w) for w in ws], what="whether it is a palindrome", direct="is_pal")
    extra = " ignoring spaces" if spaced else ""
    g.task(f"Write `is_pal s`, true when s reads the same backwards{extra}. In `main`, {phrase}.")


@family(C, "strings")
def count_vowels(g: Gen) -> None:
    vowels = g.pick(["aeiou", "aeiouy"])
    ws = [_phrase(g, g.int(1, 3)) for _ in range(g.int(2, 4))]
    style = g.style("filter", "fold", "recursion")
    if style == "filter":
        _chars(g)
        g.define(f'is_vowel c = str_find "{vowels}" c 0 >= 0\n\nvowels s = length (filter is_vowel (chars s))')
        g.approach("Keep the letters found in a string of vowels and count them.")
    elif style == "fold":
        g.define(f'vowels s = foldl (\\n i -> ? str_find "{vowels}" (str_slice s i (i + 1)) 0 >= 0 -> n + 1 : n) 0 [0..(str_len s - 1)]')
        g.approach("Fold over the positions, adding one for each vowel.")
    else:
        g.define(f'vowels s =\n  ? str_len s == 0 -> 0\n  : (? str_find "{vowels}" (str_slice s 0 1) 0 >= 0 -> 1 : 0) + vowels (str_slice s 1 (str_len s))')
        g.approach("Look at the first letter and recurse on the rest.")
    phrase = g.each(lambda x: f"vowels {x}", ws, [sum(1 for c in w if c in vowels) for w in ws], what="the number of vowels", direct="vowels")
    g.task(f"Write `vowels s` counting the letters of s that are in \"{vowels}\". In `main`, {phrase}.")


@family(C, "strings", "parsing", weight=0.7)
def split_fields(g: Gen) -> None:
    sep = g.pick([",", ";", " ", "|", ", ", "::"])
    texts = []
    for _ in range(g.int(2, 4)):
        fields = g.sample(g.pick([WORDS, FRUITS, CITIES, COLORS]), g.int(2, 5))
        if g.chance(0.25):
            fields.insert(g.int(0, len(fields)), "")
        texts.append(sep.join(fields))
    helper(g, "split_on")
    g.tag("recursion", "local_block")
    style = g.style("fields", "count", "join_back")
    if style == "fields":
        phrase = g.each(lambda x: f"split_on {quote(sep)} {x}", texts, [t.split(sep) for t in texts], what="the list of fields")
    elif style == "count":
        phrase = g.each(lambda x: f"length (split_on {quote(sep)} {x})", texts, [len(t.split(sep)) for t in texts], what="the number of fields")
    else:
        phrase = g.each(lambda x: f'str_join "+" (split_on {quote(sep)} {x})', texts, ["+".join(t.split(sep)) for t in texts], what='the fields joined again with "+"')
    first = texts[0].split(sep)
    best = first[0]
    for f in first:
        if len(f) > len(best):
            best = f
    g.result(f"foldl (\\b w -> ? str_len w > str_len b -> w : b) \"\" (split_on {quote(sep)} {quote(texts[0])})", best)
    g.approach("Find the separator with `str_find`, cut before it with `str_slice`, and split the rest recursively.")
    g.task(f"There is no split builtin: write `split_on sep s` with `str_find` and `str_slice` (empty fields are kept). Splitting on {quote(sep)}, in `main`, {phrase}; "
           f"`main` returns the longest field of {quote(texts[0])} (the first on ties).")


@family(C, "strings", "formatting")
def join_words(g: Gen) -> None:
    ws = g.sample(g.pick([WORDS, FRUITS, ANIMALS, COLORS, CITIES]), g.int(2, 5))
    style = g.style("str_join", "fold", "recursion")
    last = g.pick(["and", "or", "&"])
    if style == "str_join":
        g.define(f'oxford ws =\n  n = length ws\n  ? n == 1 -> head ws\n  : str_join ", " (take (n - 1) ws) ++ " {last} " ++ index (n - 1) ws')
        g.approach("Join all but the last with `str_join`, then add the last word.")
        g.tag("local_block")
    elif style == "fold":
        g.define(f'oxford [w] = w\noxford (w:rest) = foldl (\\acc x -> acc ++ ", " ++ x) w (take (length rest - 1) rest) ++ " {last} " ++ index (length rest - 1) rest')
        g.approach("Fold the middle words onto the first, then append the last.")
    else:
        g.define(f'oxford [w] = w\noxford [a b] = a ++ " {last} " ++ b\noxford (w:rest) = w ++ ", " ++ oxford rest')
        g.approach("Exact list patterns handle one and two words; longer lists recurse.")
        g.tag("patterns")

    def ox(ws):
        if len(ws) == 1:
            return ws[0]
        if style == "recursion":
            return ws[0] if len(ws) == 1 else (f"{ws[0]} {last} {ws[1]}" if len(ws) == 2 else f"{ws[0]}, {ox(ws[1:])}")
        return ", ".join(ws[:-1]) + f" {last} " + ws[-1]

    sets = [ws, ws[:1], ws[:2]] if len(ws) > 2 else [ws, ws[:1]]
    phrase = g.each(lambda x: f"oxford {x}", sets, [ox(s) for s in sets], what="the joined text", direct="oxford")
    g.task(f"Write `oxford ws` that joins words as English: \"a, b {last} c\" (one word alone, two as \"a {last} b\"). In `main`, {phrase}.")


@family(C, "strings", "parsing")
def normalize_spaces(g: Gen) -> None:
    ws = g.sample(WORDS + FRUITS, g.int(2, 5))
    messy = " " * g.int(0, 2) + "".join(w + " " * g.int(1, 3) for w in ws[:-1]) + ws[-1] + " " * g.int(0, 3)
    helper(g, "split_on")
    style = g.style("split_filter", "trim_first")
    if style == "split_filter":
        g.define('squeeze s = str_join " " (filter (\\w -> str_len w > 0) (split_on " " s))')
        g.approach("Split on single spaces, drop the empty pieces and join with one space.")
    else:
        g.define('squeeze s = split_on " " (str_trim s) |> filter (\\w -> w != "") |> str_join " "')
        g.approach("Trim, split, drop empty pieces and join again, in a pipeline.")
        g.tag("pipes")
    g.say(f"squeeze {quote(messy)}", " ".join(ws))
    g.result(f"str_len {quote(messy)} - str_len (squeeze {quote(messy)})", len(messy) - len(" ".join(ws)))
    g.task(f"Write `squeeze s` that trims s and collapses runs of spaces to one (write your own `split_on`). Print `squeeze {quote(messy)}`; `main` returns how many characters it removed.")


@family(C, "strings")
def prefix_filter(g: Gen) -> None:
    pool = g.sample(WORDS + FRUITS + ANIMALS + COLORS, g.int(6, 10))
    pre = g.pick([w[:g.int(1, 2)] for w in pool])
    style = g.style("starts_with", "slice")
    if style == "starts_with":
        g.define("with_prefix p ws = filter (\\w -> str_starts_with w p) ws")
        g.approach("`str_starts_with w p` checks the prefix; filter with it.")
    else:
        g.define("with_prefix p ws = filter (\\w -> str_len w >= str_len p && str_slice w 0 (str_len p) == p) ws")
        g.approach("Compare the first letters with `str_slice`.")
    suf = g.pick(["s", "e", "y", "n", "t"])
    g.define("ends_with w s = str_len w >= str_len s && str_slice w (str_len w - str_len s) (str_len w) == s")
    g.let("ws", lit(pool))
    g.say(f"with_prefix {quote(pre)} ws", [w for w in pool if w.startswith(pre)])
    g.say(f"filter (\\w -> ends_with w {quote(suf)}) ws", [w for w in pool if w.endswith(suf)])
    g.result("length ws", len(pool))
    g.task(f"From {lit(pool)} print the words starting with {quote(pre)} (`with_prefix`), then those ending with {quote(suf)} (write `ends_with` with `str_slice`); `main` returns the number of words.")


@family(C, "strings", "recursion")
def count_substring(g: Gen) -> None:
    sub = g.pick(["ab", "an", "na", "aa", "the", "is", "o"])
    text = "".join(g.pick([sub, g.pick(["x", "b", "n", "a", "t", " ", "o", "e"])]) for _ in range(g.int(6, 14)))
    style = g.style("find_loop", "positions")
    if style == "find_loop":
        g.define("count_from s t i =\n  j = str_find s t i\n  ? j < 0 -> 0 : 1 + count_from s t (j + str_len t)\n\noccurrences s t = count_from s t 0")
        g.approach("Find the next occurrence from a start index and continue after it (non-overlapping).")
        g.tag("local_block")
        count = _count_nonoverlap(text, sub)
        kind = "non-overlapping"
    else:
        g.define("occurrences s t = length (filter (\\i -> str_slice s i (i + str_len t) == t) [0..(str_len s - str_len t)])")
        g.approach("Test every starting position with `str_slice` (overlaps count).")
        count = sum(1 for i in range(len(text) - len(sub) + 1) if text[i:i + len(sub)] == sub)
        kind = "possibly overlapping"
    g.say(f"occurrences {quote(text)} {quote(sub)}", count)
    g.result(f"occurrences {quote(text)} \"zzz\"", 0)
    g.task(f"Write `occurrences s t`, the number of {kind} occurrences of t in s. Print it for {quote(text)} and {quote(sub)}; `main` returns the count for \"zzz\".")


def _count_nonoverlap(s: str, t: str) -> int:
    n, i = 0, 0
    while True:
        j = s.find(t, i)
        if j < 0:
            return n
        n += 1
        i = j + len(t)


@family(C, "strings", "recursion")
def replace_all(g: Gen) -> None:
    old, new = g.pick([("cat", "dog"), ("a", "4"), ("e", "3"), (" ", "_"), ("oo", "0"), ("is", "IS"), ("-", "")])
    parts = [g.pick(WORDS + FRUITS) for _ in range(g.int(2, 5))]
    text = old.join(parts) if old.strip() else " ".join(parts)
    style = g.style("find", "split_join")
    if style == "find":
        g.define("replace s old new =\n  i = str_find s old 0\n  ? i < 0 -> s\n  : str_slice s 0 i ++ new ++ replace (str_slice s (i + str_len old) (str_len s)) old new")
        g.approach("Replace the first occurrence and recurse on the text after it.")
    else:
        helper(g, "split_on")
        g.define("replace s old new = str_join new (split_on old s)")
        g.approach("Split on the old text and join with the new one.")
    g.tag("local_block")
    g.say(f"replace {quote(text)} {quote(old)} {quote(new)}", text.replace(old, new))
    g.result(f"str_len (replace {quote(text)} {quote(old)} {quote(new)})", len(text.replace(old, new)))
    g.task(f"Write `replace s old new` replacing every occurrence of old (non-empty) in s. Print the result for {quote(text)}, {quote(old)} → {quote(new)}; `main` returns its length.")


@family(C, "strings")
def caesar(g: Gen) -> None:
    k = g.int(1, 25)
    msg = _phrase(g, g.int(1, 3))
    g.define(f'alpha = "{LOWER}"')
    style = g.style("find_slice", "comprehension")
    g.define(
        "shift k c =\n  i = str_find alpha c 0\n  ? i < 0 -> c : str_slice alpha ((i + k) % 26) ((i + k) % 26 + 1)"
    )
    if style == "find_slice":
        g.define('encode k s = str_join "" (map (\\i -> shift k (str_slice s i (i + 1))) [0..(str_len s - 1)])')
        g.approach("Look each letter up in the alphabet, shift its index modulo 26 and slice the new letter out.")
    else:
        g.define('encode k s = str_join "" [shift k (str_slice s i (i + 1)) | i <- [0..(str_len s - 1)]]')
        g.approach("A comprehension shifts each letter; anything not in the alphabet stays.")
    g.tag("local_block")

    def enc(k, s):
        return "".join(LOWER[(LOWER.index(c) + k) % 26] if c in LOWER else c for c in s)

    msgs = [msg] + [_phrase(g, g.int(1, 2)) for _ in range(g.int(1, 3))]
    phrase = g.each(lambda x: f"encode {k} {x}", msgs, [enc(k, m) for m in msgs], what=f"the text encoded with shift {k}")
    g.result(f"encode {26 - k} (encode {k} {quote(msg)})", msg)
    g.task(f"Caesar cipher: write `encode k s` shifting lower-case letters by k (wrapping around; other characters unchanged). In `main`, {phrase}; `main` returns {quote(msg)} encoded and decoded again with a shift of {26 - k}.")


@family(C, "strings", "parsing", weight=0.6)
def csv_sum(g: Gen) -> None:
    rows = [[g.pick(ITEMS + FRUITS), *[str(g.int(0, 99)) for _ in range(g.int(1, 3))]] for _ in range(g.int(2, 4))]
    n = min(len(r) for r in rows) - 1
    rows = [r[: n + 1] for r in rows]
    lines = [",".join(r) for r in rows]
    helper(g, "split_on")
    helper(g, "to_int")
    g.define("row_total line = sum (map to_int (tail (split_on \",\" line)))")
    g.tag("recursion", "local_block")
    style = g.style("for_each", "map")
    totals = [sum(int(x) for x in r[1:]) for r in rows]
    if style == "for_each":
        g.says('for_each (\\l -> print "${head (split_on "," l)}: ${row_total l}") ' + lit(lines), [f"{r[0]}: {t}" for r, t in zip(rows, totals)])
        how = "print `NAME: TOTAL` per line"
    else:
        g.say(f"map row_total {lit(lines)}", totals)
        how = "print the list of row totals"
    g.result(f"sum (map row_total {lit(lines)})", sum(totals))
    g.approach("Split each line on commas, parse the numeric fields with a digit-lookup `to_int`, and add them.")
    g.task(f"Each CSV line holds a name and numbers: {lit(lines)}. Write `split_on`, `to_int` and `row_total` (the sum of the numbers after the name); {how}; `main` returns the grand total.")


@family(C, "strings", "parsing", "map")
def key_values(g: Gen) -> None:
    keys = g.sample(["host", "port", "user", "mode", "level", "retries", "color", "size"], g.int(2, 4))
    vals = {k: str(g.int(1, 999)) if g.chance(0.5) else g.pick(WORDS + COLORS) for k in keys}
    sep, kv = g.pick([(";", "="), ("&", "="), (",", ":"), (" ", "=")])
    text = sep.join(f"{k}{kv}{vals[k]}" for k in keys)
    helper(g, "split_on")
    g.define(f'parse s = foldl (\\m part -> map_insert (head (split_on "{kv}" part)) (index 1 (split_on "{kv}" part)) m) map_empty (split_on "{sep}" s)')
    g.let("cfg", f"parse {quote(text)}")
    ks = sorted(keys)
    g.say("map_keys cfg", ks)
    probe = g.pick(keys)
    g.say(f"map_get {quote(probe)} \"?\" cfg", vals[probe])
    missing = g.pick([k for k in ["debug", "path", "name", "timeout"] if k not in keys])
    g.result(f"map_get {quote(missing)} \"default\" cfg", "default")
    g.style("map_fold")
    g.tag("recursion", "local_block")
    g.approach("Split into pairs, split each pair on its marker, and fold them into a Map.")
    g.task(f"Parse the settings string {quote(text)} (pairs separated by {quote(sep)}, key and value by {quote(kv)}) into a Map. Print its keys (sorted), then the value of {quote(probe)}; `main` returns the value of {quote(missing)} with the default \"default\".")


@family(C, "strings", "formatting")
def pad_table(g: Gen) -> None:
    rows = [(w, g.int(0, 9999)) for w in g.sample(FRUITS + ITEMS, g.int(2, 5))]
    width = max(len(w) for w, _ in rows) + g.int(1, 3)
    nw = g.int(5, 7)
    fill = g.pick([" ", ".", "_"])
    g.define('rep n s = foldl (\\acc _ -> acc ++ s) "" [1..n]')
    g.define(f'pad_right n s = s ++ rep (n - str_len s) "{fill}"')
    g.define('pad_left n s = rep (n - str_len s) " " ++ s')
    g.says(f'for_each (\\r -> print (pad_right {width} (r.name) ++ pad_left {nw} (show (r.qty)))) {lit([{"name": w, "qty": q} for w, q in rows])}',
           [w + fill * (width - len(w)) + " " * (nw - len(str(q))) + str(q) for w, q in rows])
    total = sum(q for _, q in rows)
    g.result(f'pad_right {width} "total" ++ pad_left {nw} (show {total})', "total" + fill * max(0, width - 5) + " " * (nw - len(str(total))) + str(total))
    g.style("padding")
    g.tag("records")
    g.approach("Padding helpers repeat a fill string up to the column width.")
    g.task(
        f"Print a two-column table of {lit([{'name': w, 'qty': q} for w, q in rows])}: the name padded on the right with {quote(fill)} to {width} characters, then the quantity right-aligned in {nw}. "
        f"`main` returns the same kind of line for \"total\" and the sum {total}."
    )


@family(C, "strings")
def repeat_string(g: Gen) -> None:
    s = g.pick(["ab", "-", "=+", "ha", "xo", "*", "na"])
    n = g.int(1, 8)
    sep = g.pick(["", " ", ",", "|"])
    style = g.style("fold", "recursion", "join")
    if style == "fold":
        g.define('rep n s sep = ? n <= 0 -> "" : foldl (\\acc _ -> acc ++ sep ++ s) s [2..n]')
        g.approach("Start with one copy and fold in n - 1 more, each after a separator.")
    elif style == "recursion":
        g.define('rep n s sep =\n  ? n <= 0 -> ""\n  : ? n == 1 -> s\n  : s ++ sep ++ rep (n - 1) s sep')
        g.approach("One copy, a separator, and the rest recursively.")
    else:
        g.define("rep n s sep = str_join sep (map (\\_ -> s) [1..n])")
        g.approach("Make a list of n copies and join them with the separator.")
    g.say(f"rep {n} {quote(s)} {quote(sep)}", sep.join([s] * n))
    m = g.int(0, 4)
    g.say(f"rep {m} \"<>\" \"\"", "<>" * m)
    g.result(f"str_len (rep {n} {quote(s)} {quote(sep)})", len(sep.join([s] * n)))
    g.task(f"Write `rep n s sep`: n copies of s separated by sep (empty for n <= 0). Print `rep {n} {quote(s)} {quote(sep)}` and `rep {m} \"<>\" \"\"`; `main` returns the length of the first.")


@family(C, "strings")
def acronym(g: Gen) -> None:
    phrases = [_phrase(g, g.int(2, 4)) for _ in range(g.int(2, 4))]
    helper(g, "up")
    helper(g, "split_on")
    style = g.style("map_join", "fold")
    if style == "map_join":
        g.define('acronym s = str_join "" (map (\\w -> up (str_slice w 0 1)) (split_on " " s))')
        g.approach("Take the first letter of each word, upper-case it through a lookup, and join.")
    else:
        g.define('acronym s = foldl (\\acc w -> acc ++ up (str_slice w 0 1)) "" (split_on " " s)')
        g.approach("Fold over the words, appending each upper-cased initial.")
    g.tag("local_block", "recursion")
    phrase = g.each(lambda x: f"acronym {x}", phrases, ["".join(w[0].upper() for w in p.split(" ")) for p in phrases], what="the acronym", direct="acronym")
    g.task(f"Write `acronym s`: the upper-cased first letters of the words of s. There is no upper-case builtin: map a letter through the alphabets \"abc...z\" and \"ABC...Z\". In `main`, {phrase}.")


@family(C, "strings")
def longest_word(g: Gen) -> None:
    texts = [" ".join(g.sample(WORDS + FRUITS + ANIMALS + CITIES, g.int(2, 6))) for _ in range(g.int(2, 4))]
    words = texts[0].split(" ")
    text = texts[0]
    helper(g, "split_on")
    style = g.style("fold", "recursion")
    if style == "fold":
        g.define('longest s = foldl (\\best w -> ? str_len w > str_len best -> w : best) "" (split_on " " s)')
        g.approach("Fold over the words keeping the longest so far.")
    else:
        g.define('pick_long [w] = w\npick_long (w:rest) =\n  other = pick_long rest\n  ? str_len w >= str_len other -> w : other\n\nlongest s = pick_long (split_on " " s)')
        g.approach("Compare each word with the longest of the rest; ties go to the earlier word.")
    g.tag("local_block", "recursion")
    def longest(t: str) -> str:
        best = ""
        for w in t.split(" "):
            if len(w) > len(best):
                best = w
        return best

    phrase = g.each(lambda x: f"longest {x}", texts, [longest(t) for t in texts], what="the longest word", direct="longest")
    g.result(f'map str_len (split_on " " {quote(text)})', [len(w) for w in words])
    g.task(f"Write `longest s`, the longest word of a sentence (the first on ties). In `main`, {phrase}; `main` returns the list of word lengths of {quote(text)}.")


@family(C, "strings", "recursion")
def rle_string(g: Gen) -> None:
    ss = ["".join(g.pick("abcxyz") * g.int(1, 4) for _ in range(g.int(2, 5))) for _ in range(g.int(3, 5))]
    style = g.style("recursion", "fold")
    if style == "recursion":
        g.define('run_len s c i = ? i < str_len s && str_slice s i (i + 1) == c -> run_len s c (i + 1) : i')
        g.define('encode s =\n  c = str_slice s 0 1\n  n = run_len s c 1\n  ? str_len s == 0 -> "" : c ++ show n ++ encode (str_slice s n (str_len s))')
        g.approach("Measure the run of the first letter, emit it with its length, and encode the rest.")
        g.tag("local_block")
    else:
        g.define(
            'flush st = ? st.n == 0 -> "" : st.cur ++ show (st.n)\n\n'
            "step st c = ? c == st.cur -> {...st, n = st.n + 1} : {out = st.out ++ flush st, cur = c, n = 1}"
        )
        g.define('encode s =\n  st = foldl step {out = "", cur = "", n = 0} [str_slice s i (i + 1) | i <- [0..(str_len s - 1)]]\n  st.out ++ flush st')
        g.approach("Fold over the letters with a record of the output so far, the current letter and its count.")
        g.tag("records", "record_update", "local_block")
    def rle(s):
        out = ""
        i = 0
        while i < len(s):
            j = i
            while j < len(s) and s[j] == s[i]:
                j += 1
            out += s[i] + str(j - i)
            i = j
        return out

    phrase = g.each(lambda x: f"encode {x}", ss, [rle(s) for s in ss], what="the encoding", direct="encode")
    g.result('encode ""', "")
    g.task(f"Run-length encode a string: each run of equal letters becomes the letter and the run's length (\"aaab\" → \"a3b1\"). In `main`, {phrase}; `main` returns the encoding of \"\".")


@family(C, "strings", "sorting")
def anagram(g: Gen) -> None:
    pairs = g.sample([("listen", "silent"), ("evil", "vile"), ("heart", "earth"), ("night", "thing"), ("below", "elbow"), ("state", "taste"), ("lemon", "melon"), ("cat", "act")], 2)
    non = (g.pick(WORDS), g.pick(FRUITS))
    cases = g.shuffled([*pairs, non])
    _chars(g)
    g.define("insert x [] = [x]\ninsert x (y:rest) = ? x <= y -> (x : y : rest) : y : insert x rest")
    g.define('sorted_letters s = str_join "" (foldl (\\acc c -> insert c acc) [] (chars s))')
    g.define("anagrams a b = sorted_letters a == sorted_letters b")
    for a, b in cases:
        g.say(f"anagrams {quote(a)} {quote(b)}", sorted(a) == sorted(b))
    g.result(f"sorted_letters {quote(cases[0][0])}", "".join(sorted(cases[0][0])))
    g.style("sort_letters")
    g.approach("Two words are anagrams when their letters, sorted, are equal; strings compare with `<=`.")
    g.task(f"Write `anagrams a b` by comparing the sorted letters (`sorted_letters`, an insertion sort on one-letter strings). Print it for {english_list([f'{quote(a)} and {quote(b)}' for a, b in cases], conj=';')}; `main` returns `sorted_letters {quote(cases[0][0])}`.")


@family(C, "strings")
def word_count(g: Gen) -> None:
    sentences = [_phrase(g, g.int(1, 6)) for _ in range(g.int(3, 5))]
    style = g.style("split", "spaces")
    if style == "split":
        helper(g, "split_on")
        g.define('words s = length (filter (\\w -> w != "") (split_on " " s))')
        g.approach("Split on spaces and count the non-empty pieces.")
        g.tag("recursion", "local_block")
    else:
        g.define('words s = ? str_len (str_trim s) == 0 -> 0 : 1 + length (filter (\\i -> str_slice s i (i + 1) == " ") [0..(str_len s - 1)])')
        g.approach("For single-spaced text the word count is the number of spaces plus one.")
    phrase = g.each(lambda x: f"words {x}", sentences, [len(s.split()) for s in sentences], what="the number of words", direct="words")
    g.task(f"Write `words s`, the number of words in a single-spaced sentence. In `main`, {phrase}.")


@family(C, "strings")
def title_case(g: Gen) -> None:
    phrases = [_phrase(g, g.int(2, 4)) for _ in range(g.int(2, 3))]
    phrase = phrases[0]
    helper(g, "up")
    helper(g, "split_on")
    g.define("cap w = ? str_len w == 0 -> w : up (str_slice w 0 1) ++ str_slice w 1 (str_len w)")
    style = g.style("map_join", "pipe", "compose")
    if style == "compose":
        g.define('title = split_on " " >> map cap >> str_join " "')
        g.approach("Compose split, map and join with `>>`.")
    elif style == "map_join":
        g.define('title s = str_join " " (map cap (split_on " " s))')
        g.approach("Capitalise every word and join them back with spaces.")
    else:
        g.define('title s = split_on " " s |> map cap |> str_join " "')
        g.approach("Split, capitalise and join in a pipeline.")
        g.tag("pipes")
    g.tag("local_block", "recursion")
    said = g.each(lambda x: f"title {x}", phrases, [" ".join(w[0].upper() + w[1:] for w in p.split(" ")) for p in phrases], what="the title-cased text", direct="title")
    g.result(f"cap {quote('x' + phrase.split(' ')[0])}", "X" + phrase.split(" ")[0])
    g.task(f"Write `title s`, which capitalises the first letter of every word (no case builtins: look letters up in the two alphabets). In `main`, {said}; `main` returns `cap {quote('x' + phrase.split(' ')[0])}`.")


DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@family(C, "strings", "recursion")
def digits_to_words(g: Gen) -> None:
    ns = g.ints(g.int(3, 5), 0, 9999)
    g.define("names = " + lit(DIGIT_WORDS))
    style = g.style("recursion", "show_chars")
    sep = g.pick([" ", "-", ", "])
    if style == "recursion":
        g.define(f'say n = ? n < 10 -> index n names : say (n / 10) ++ "{sep}" ++ index (n % 10) names')
        g.approach("Say all digits but the last recursively, then the last one.")
    else:
        g.define('digit c = str_find "0123456789" c 0')
        g.define(f'say n =\n  s = show n\n  str_join "{sep}" (map (\\i -> index (digit (str_slice s i (i + 1))) names) [0..(str_len s - 1)])')
        g.approach("Show the number, then map each digit character to its word.")
        g.tag("local_block")
    phrase = g.each(lambda x: f"say {x}", ns, [sep.join(DIGIT_WORDS[int(c)] for c in str(n)) for n in ns], what="the digits in words", direct="say")
    g.task(f"Write `say n` spelling the decimal digits of n as words separated by {quote(sep)} (405 → \"four{sep}zero{sep}five\"). In `main`, {phrase}.")


@family(C, "strings", "formatting", "recursion", weight=0.7)
def thousands(g: Gen) -> None:
    ns = [g.int(0, 10 ** g.int(1, 9)) for _ in range(g.int(2, 4))]
    sep = g.pick([",", ".", " ", "_"])
    style = g.style("recursion", "string")
    if style == "recursion":
        g.define(f'three n = ? n < 10 -> "00" ++ show n : ? n < 100 -> "0" ++ show n : show n\n\ngroup n = ? n < 1000 -> show n : group (n / 1000) ++ "{sep}" ++ three (n % 1000)')
        g.approach("Group the last three digits (padded) and recurse on the rest.")
    else:
        g.define(
            f'group n =\n  s = show n\n  k = str_len s\n  ? k <= 3 -> s : group (n / 1000) ++ "{sep}" ++ str_slice s (k - 3) k'
        )
        g.approach("Slice the last three characters of the shown number and recurse on the leading part.")
        g.tag("local_block")
    phrase = g.each(lambda x: f"group {x}", ns, [f"{n:,}".replace(",", sep) for n in ns], what="the grouped number", direct="group")
    g.task(f"Write `group n` writing a non-negative Int with {quote(sep)} between groups of three digits (1234567 → \"1{sep}234{sep}567\"). In `main`, {phrase}.")


@family(C, "strings")
def remove_chars(g: Gen) -> None:
    text = _phrase(g, g.int(1, 4))
    drop = g.pick(["aeiou", " ", "aeiou ", "rst", "lmn"])
    _chars(g)
    style = g.style("filter", "comprehension")
    if style == "filter":
        g.define(f'strip_chars s = str_join "" (filter (\\c -> str_find "{drop}" c 0 < 0) (chars s))')
        g.approach("Keep the letters not found in the set, then join.")
    else:
        g.define(f'strip_chars s = str_join "" [c | c <- chars s, str_find "{drop}" c 0 < 0]')
        g.approach("A comprehension keeps the letters not in the set.")
    out = "".join(c for c in text if c not in drop)
    g.say(f"strip_chars {quote(text)}", out)
    g.result(f"str_len {quote(text)} - str_len (strip_chars {quote(text)})", len(text) - len(out))
    g.task(f"Write `strip_chars s` removing every character that occurs in {quote(drop)}. Print it for {quote(text)}; `main` returns how many characters were removed.")


@family(C, "strings", "formatting")
def mask(g: Gen) -> None:
    digits = "".join(str(g.int(0, 9)) for _ in range(g.int(8, 16)))
    keep = g.int(2, 4)
    ch = g.pick(["*", "#", "x"])
    style = g.style("rep_slice", "indices")
    if style == "rep_slice":
        g.define(f'mask s =\n  n = str_len s\n  foldl (\\acc _ -> acc ++ "{ch}") "" [1..(n - {keep})] ++ str_slice s (n - {keep}) n')
        g.approach("Repeat the mask character for all but the last digits, then append those.")
    else:
        g.define(f'mask s = str_join "" (map (\\i -> ? i < str_len s - {keep} -> "{ch}" : str_slice s i (i + 1)) [0..(str_len s - 1)])')
        g.approach("Map each position to the mask character or the digit itself.")
    g.tag("local_block")
    g.say(f"mask {quote(digits)}", ch * (len(digits) - keep) + digits[-keep:])
    g.result(f"str_len (mask {quote(digits)}) == str_len {quote(digits)}", True)
    g.task(f"Write `mask s` replacing all but the last {keep} characters of a card number by {quote(ch)}. Print `mask {quote(digits)}`; `main` returns whether the length is unchanged.")


@family(C, "strings", "map", weight=0.25)
def char_frequency(g: Gen) -> None:
    text = g.pick(WORDS + FRUITS + ANIMALS) + g.pick(WORDS + FRUITS)
    _chars(g)
    g.define("freq s = foldl (\\m c -> map_insert c (map_get c 0 m + 1) m) map_empty (chars s)")
    g.let("f", f"freq {quote(text)}")
    counts: dict[str, int] = {}
    for c in text:
        counts[c] = counts.get(c, 0) + 1
    ks = sorted(counts)
    style = g.style("lines", "filter")
    if style == "lines":
        g.says('for_each (\\c -> print "${c}=${map_get c 0 f}") (map_keys f)', [f"{c}={counts[c]}" for c in ks])
        how = "print `LETTER=COUNT` for each letter in alphabetical order"
    else:
        g.say("filter (\\c -> map_get c 0 f > 1) (map_keys f)", [c for c in ks if counts[c] > 1])
        how = "print the letters that occur more than once, in alphabetical order"
    g.result("map_size f", len(ks))
    g.approach("Count one-letter strings in a Map; its keys come out sorted.")
    g.task(f"Count the letters of {quote(text)} in a Map. {how[0].upper() + how[1:]}; `main` returns the number of distinct letters.")


@family(C, "strings", "parsing")
def validate_identifier(g: Gen) -> None:
    cands = []
    for _ in range(g.int(4, 7)):
        w = g.pick(WORDS + ANIMALS)
        cands.append(g.pick([w, w + str(g.int(0, 99)), str(g.int(0, 9)) + w, w + "_" + g.pick(WORDS), "_" + w, w + " " + g.pick(WORDS), w + "-" + g.pick(WORDS), w.capitalize(), ""]))
    g.define(f'first_ok c = str_find "{LOWER}{UPPER}_" c 0 >= 0')
    g.define(f'rest_ok c = str_find "{LOWER}{UPPER}_0123456789" c 0 >= 0')
    style = g.style("filter", "recursion")
    if style == "filter":
        g.define("valid s = str_len s > 0 && first_ok (str_slice s 0 1) && length (filter (\\i -> not (rest_ok (str_slice s i (i + 1)))) [1..(str_len s - 1)]) == 0")
        g.approach("The first character must be a letter or `_`; filter the rest for bad characters.")
    else:
        g.define("rest_all s i = ? i >= str_len s -> true : rest_ok (str_slice s i (i + 1)) && rest_all s (i + 1)")
        g.define("valid s = str_len s > 0 && first_ok (str_slice s 0 1) && rest_all s 1")
        g.approach("Check the first character, then the rest recursively.")

    def valid(s):
        ok1 = set(LOWER + UPPER + "_")
        ok2 = ok1 | set("0123456789")
        return bool(s) and s[0] in ok1 and all(c in ok2 for c in s[1:])

    phrase = g.each(lambda x: f"valid {x}", cands, [valid(s) for s in cands], what="whether it is a valid identifier", direct="valid")
    g.task(f"Write `valid s`: true when s is a non-empty identifier made of letters, digits and `_` that does not start with a digit. In `main`, {phrase}.")


@family(C, "strings", "formatting", "records")
def receipt(g: Gen) -> None:
    lines = [{"item": i, "qty": g.int(1, 5), "cents": g.int(50, 999)} for i in g.sample(FRUITS + ITEMS, g.int(2, 4))]
    g.define('money c =\n  r = c % 100\n  "${c / 100}." ++ (? r < 10 -> "0" : "") ++ show r')
    g.define(g.pick(['line l = "${l.qty} x ${l.item} @ ${money (l.cents)} = ${money (l.qty * l.cents)}"',
                     'line {item, qty, cents} = "${qty} x ${item} @ ${money cents} = ${money (qty * cents)}"']))
    g.tag("local_block")

    def money(c):
        return f"{c // 100}.{c % 100:02d}"

    g.let("ls", lit(lines))
    g.says("for_each (\\l -> print (line l)) ls", [f"{r['qty']} x {r['item']} @ {money(r['cents'])} = {money(r['qty'] * r['cents'])}" for r in lines])
    total = sum(r["qty"] * r["cents"] for r in lines)
    g.result('"TOTAL " ++ money (sum (map (\\l -> l.qty * l.cents) ls))', f"TOTAL {money(total)}")
    g.style("interpolation")
    g.approach("Format cents as D.CC with Int division and a padded remainder; interpolate each line.")
    g.task(f"Print a receipt for {lit(lines)} (prices in cents): one line `QTY x ITEM @ PRICE = AMOUNT` per entry with money as D.CC; `main` returns \"TOTAL \" followed by the total.")


@family(C, "strings", "json")
def json_strings(g: Gen) -> None:
    names = g.sample(PEOPLE + NAMES, g.int(2, 5))
    tag = g.pick(["users", "team", "guests", "players"])
    text = json.dumps({tag: names, "count": len(names)})
    g.let("doc", f"unwrap (json_parse {quote(text)})")
    g.let("ns", f"map json_str (json_arr (unwrap (json_get {quote(tag)} doc)))")
    sep = g.pick([", ", " / ", "; "])
    g.say(f"str_join {quote(sep)} ns", sep.join(names))
    g.say('map str_len ns', [len(n) for n in names])
    g.result('json_num (unwrap (json_get "count" doc)) == length ns', True)
    g.style("json")
    g.approach("Parse, take the array field, and turn each element into a String with `json_str`.")
    g.task(f"Parse `{text}`. Print the {tag} joined with {quote(sep)}, then the list of name lengths; `main` returns whether \"count\" equals the number of names.")


@family(C, "strings", "formatting")
def wrap_text(g: Gen) -> None:
    words = [g.pick(WORDS + FRUITS + ANIMALS) for _ in range(g.int(5, 10))]
    width = g.int(10, 20)
    g.define(
        'wrap _ [] line = [line]\nwrap w (x:rest) line =\n  ? line == "" -> wrap w rest x\n'
        '  : ? str_len line + 1 + str_len x <= w -> wrap w rest (line ++ " " ++ x)\n  : line : wrap w rest x'
    )
    out = []
    line = ""
    for x in words:
        if line == "":
            line = x
        elif len(line) + 1 + len(x) <= width:
            line += " " + x
        else:
            out.append(line)
            line = x
    out.append(line)
    g.says(f'for_each print (wrap {width} {lit(words)} "")', out)
    g.result(f'length (wrap {width} {lit(words)} "")', len(out))
    g.style("greedy")
    g.tag("recursion")
    g.approach("Greedy wrapping: add the next word to the current line while it fits, else start a new line.")
    g.task(f"Greedily wrap the words {lit(words)} into lines of at most {width} characters (words separated by one space; a longer word gets its own line). Print each line; `main` returns the number of lines.")


@family(C, "strings", "sorting")
def sort_words(g: Gen) -> None:
    ws = g.sample(WORDS + FRUITS + ANIMALS + COLORS, g.int(4, 8))
    style = g.style("quick", "insertion")
    if style == "quick":
        g.define("sort [] = []\nsort (p:rest) = sort (filter (\\w -> w < p) rest) ++ [p] ++ sort (filter (\\w -> w >= p) rest)")
        g.approach("Quicksort works on strings too: `<` compares them alphabetically.")
        g.tag("divide_and_conquer")
    else:
        g.define("insert x [] = [x]\ninsert x (y:rest) = ? x <= y -> (x : y : rest) : y : insert x rest\n\nsort ws = foldl (\\acc w -> insert w acc) [] ws")
        g.approach("Insertion sort with string comparison.")
    g.say(f"sort {lit(ws)}", sorted(ws))
    g.result(f"head (sort {lit(ws)}) ++ \" .. \" ++ head (reverse (sort {lit(ws)}))", f"{min(ws)} .. {max(ws)}")
    g.task(f"Sort the words {lit(ws)} alphabetically with your own `sort`. Print the sorted list; `main` returns \"FIRST .. LAST\".")
