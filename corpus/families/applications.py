"""Applications: sorting, searching, and programs of several cooperating functions."""

from __future__ import annotations

from .core import (
    CITIES,
    FRUITS,
    ITEMS,
    NAMES,
    PEOPLE,
    WORDS,
    Con,
    Gen,
    english_list,
    family,
    helper,
    idiv,
    lit,
    quote,
    show,
)

C = "applications"


def _sort_list(g: Gen) -> list[int]:
    xs = g.ints(g.int(5, 11), -30, 99)
    if g.chance(0.3):
        xs[g.int(0, len(xs) - 1)] = xs[0]  # a duplicate
    return xs


def _sort_report(g: Gen, fname: str, xs: list[int], what: str) -> None:
    mode = g.pick(["plain", "desc", "median", "check"])
    ys = sorted(xs)
    g.say(f"{fname} {lit(xs)}", ys)
    if mode == "desc":
        g.result(f"reverse ({fname} {lit(xs)})", ys[::-1])
        tail = "`main` returns the list in descending order (reverse the sorted list)"
    elif mode == "median":
        g.result(f"index {len(xs) // 2} ({fname} {lit(xs)})", ys[len(xs) // 2])
        tail = f"`main` returns the element at index {len(xs) // 2} of the sorted list"
    elif mode == "check":
        g.result(f"{fname} {lit(ys)} == {lit(ys)}", True)
        tail = "`main` returns whether sorting an already sorted list leaves it unchanged"
    else:
        g.result(f"length ({fname} [])", 0)
        tail = "`main` returns the length of the sorted empty list"
    g.task(f"Implement {what} as `{fname}` on a list of Int. Print `{fname} {lit(xs)}`; {tail}.")


@family(C, "sorting", "divide_and_conquer", "recursion")
def quicksort(g: Gen) -> None:
    f = g.name("qsort", "quicksort", "sort", "quick")
    style = g.style("comprehension", "filter", "partition_helper")
    if style == "comprehension":
        g.define(f"{f} [] = []\n{f} (p:rest) = {f} [x | x <- rest, x < p] ++ [p] ++ {f} [x | x <- rest, x >= p]")
        g.approach("Take the head as pivot; comprehensions split the rest into smaller and not smaller.")
    elif style == "filter":
        g.define(f"{f} [] = []\n{f} (p:rest) =\n  lo = filter (\\x -> x < p) rest\n  hi = filter (\\x -> x >= p) rest\n  {f} lo ++ [p] ++ {f} hi")
        g.approach("Partition around the head with two filters in a local block, then sort both halves.")
        g.tag("local_block")
    else:
        g.define("split p xs = foldl (\\acc x -> ? x < p -> {...acc, lo = x : acc.lo} : {...acc, hi = x : acc.hi}) {lo = [], hi = []} xs")
        g.define(f"{f} [] = []\n{f} (p:rest) =\n  parts = split p rest\n  {f} (parts.lo) ++ [p] ++ {f} (parts.hi)")
        g.approach("One fold splits the rest around the pivot into a record; both parts are sorted recursively.")
        g.tag("records", "record_update")
    _sort_report(g, f, _sort_list(g), "quicksort")


@family(C, "sorting", "divide_and_conquer", "recursion")
def merge_sort(g: Gen) -> None:
    f = g.name("msort", "merge_sort", "sort", "mergesort")
    g.define("merge [] ys = ys\nmerge xs [] = xs\nmerge (x:xs) (y:ys) = ? x <= y -> (x : merge xs (y:ys)) : y : merge (x:xs) ys")
    style = g.style("take_drop", "local")
    if style == "take_drop":
        g.define(f"{f} [] = []\n{f} [x] = [x]\n{f} xs = merge ({f} (take (length xs / 2) xs)) ({f} (drop (length xs / 2) xs))")
        g.approach("Split in halves with `take`/`drop`, sort each, and merge the sorted halves.")
    else:
        g.define(f"{f} [] = []\n{f} [x] = [x]\n{f} xs =\n  half = length xs / 2\n  merge ({f} (take half xs)) ({f} (drop half xs))")
        g.approach("Name the midpoint in a local block, sort both halves and merge them.")
        g.tag("local_block")
    _sort_report(g, f, _sort_list(g), "merge sort (with a `merge` of two sorted lists)")


@family(C, "sorting", "recursion")
def insertion_sort(g: Gen) -> None:
    f = g.name("isort", "insertion_sort", "sort", "sort_ins")
    g.define("insert x [] = [x]\ninsert x (y:rest) = ? x <= y -> (x : y : rest) : y : insert x rest")
    style = g.style("foldl", "recursion")
    if style == "foldl":
        g.define(f"{f} xs = foldl (\\acc x -> insert x acc) [] xs")
        g.approach("Fold the elements into an initially empty sorted list with `insert`.")
    else:
        g.define(f"{f} [] = []\n{f} (x:rest) = insert x ({f} rest)")
        g.approach("Sort the tail, then insert the head in its place.")
    _sort_report(g, f, _sort_list(g), "insertion sort")


@family(C, "sorting", "recursion")
def selection_sort(g: Gen) -> None:
    f = g.name("ssort", "selection_sort", "sort", "select_sort")
    g.define("smallest xs = foldl (\\m x -> ? x < m -> x : m) (head xs) xs")
    g.define("remove _ [] = []\nremove x (y:rest) = ? x == y -> rest : y : remove x rest")
    style = g.style("local", "inline")
    if style == "local":
        g.define(f"{f} [] = []\n{f} xs =\n  m = smallest xs\n  m : {f} (remove m xs)")
        g.tag("local_block")
    else:
        g.define(f"{f} [] = []\n{f} xs = smallest xs : {f} (remove (smallest xs) xs)")
    g.approach("Repeatedly move the smallest remaining element to the front.")
    _sort_report(g, f, _sort_list(g), "selection sort (helpers `smallest` and `remove`, which removes one occurrence)")


@family(C, "sorting", "recursion")
def bubble_sort(g: Gen) -> None:
    f = g.name("bsort", "bubble_sort", "sort", "bubble")
    g.define("pass_once (a:(b:rest)) =\n  ? a > b -> (b : pass_once (a:rest))\n  : a : pass_once (b:rest)\npass_once xs = xs")
    style = g.style("fixpoint", "n_passes")
    if style == "fixpoint":
        g.define(f"{f} xs =\n  ys = pass_once xs\n  ? ys == xs -> xs : {f} ys")
        g.approach("Repeat bubbling passes until one changes nothing.")
        g.tag("local_block")
    else:
        g.define(f"{f} xs = foldl (\\acc _ -> pass_once acc) xs xs")
        g.approach("n passes over a list of n elements always suffice; fold over the list to count them.")
    xs = _sort_list(g)
    if g.chance(0.5):
        one = list(xs)
        for i in range(len(one) - 1):
            if one[i] > one[i + 1]:
                one[i], one[i + 1] = one[i + 1], one[i]
        g.say(f"pass_once {lit(xs)}", one)
        g.say(f"{f} {lit(xs)}", sorted(xs))
        g.result(f"length ({f} {lit(xs)})", len(xs))
        g.task(f"Write bubble sort: `pass_once` swaps neighbours that are out of order in one sweep, `{f}` repeats it. Print one pass over {lit(xs)}, then the sorted list; `main` returns its length.")
    else:
        _sort_report(g, f, xs, "bubble sort (a `pass_once` sweep swapping out-of-order neighbours, repeated)")


@family(C, "searching", "divide_and_conquer", "recursion")
def binary_search(g: Gen) -> None:
    xs = sorted(g.sample(range(-20, 200), g.int(6, 14)))
    f = g.name("bsearch", "binary_search", "find_index", "locate")
    style = g.style("bounds", "slice")
    if style == "bounds":
        g.define(
            "go xs t lo hi =\n  ? lo > hi -> -1\n  : ? index ((lo + hi) / 2) xs == t -> (lo + hi) / 2\n"
            "  : ? index ((lo + hi) / 2) xs < t -> go xs t ((lo + hi) / 2 + 1) hi\n  : go xs t lo ((lo + hi) / 2 - 1)"
        )
        g.define(f"{f} xs t = go xs t 0 (length xs - 1)")
        g.approach("Keep a low and high bound and compare the middle element; stop when the bounds cross.")
    else:
        g.define(
            "search [] _ _ = -1\nsearch xs t base =\n  mid = length xs / 2\n  v = index mid xs\n  ? v == t -> base + mid\n  : ? v < t -> search (drop (mid + 1) xs) t (base + mid + 1)\n  : search (take mid xs) t base"
        )
        g.define(f"{f} xs t = search xs t 0")
        g.approach("Halve the list with `take`/`drop`, remembering the offset of the part kept.")
        g.tag("local_block")
    targets = [g.pick(xs), g.pick(xs), g.int(-20, 200)]
    g.let("xs", lit(xs))
    for t in targets:
        g.say(f"{f} xs {lit(t)}", xs.index(t) if t in xs else -1)
    g.task(f"Write `{f} xs t`, a binary search in a sorted list returning the 0-based index of t or -1. For {lit(xs)} print the results for {english_list([str(t) for t in targets])}, one per line.")


@family(C, "searching", "results")
def linear_search(g: Gen) -> None:
    xs = g.sample(g.pick([WORDS, FRUITS, PEOPLE]), g.int(4, 8))
    style = g.style("recursion", "zip_filter", "result")
    targets = [g.pick(xs), g.pick(WORDS + FRUITS + PEOPLE)]
    if style == "recursion":
        g.define("find_at _ [] _ = -1\nfind_at t (x:rest) i = ? x == t -> i : find_at t rest (i + 1)\n\nposition t xs = find_at t xs 0")
        vals = [xs.index(t) if t in xs else -1 for t in targets]
        form = "the 0-based position or -1"
        g.approach("Walk the list with a counter.")
    elif style == "zip_filter":
        g.define("position t xs =\n  hits = filter (\\i -> index i xs == t) [0..(length xs - 1)]\n  ? length hits == 0 -> -1 : head hits")
        vals = [xs.index(t) if t in xs else -1 for t in targets]
        form = "the 0-based position or -1"
        g.approach("Filter the indices whose element matches and take the first.")
        g.tag("local_block")
    else:
        g.define('find_at _ [] _ = Err "not found"\nfind_at t (x:rest) i = ? x == t -> Ok i : find_at t rest (i + 1)\n\nposition t xs = find_at t xs 0')
        vals = [Con("Ok", xs.index(t)) if t in xs else Con("Err", "not found") for t in targets]
        form = '`Ok position` or `Err "not found"`'
        g.approach("Recursion with a counter, returning a Result.")
    g.let("xs", lit(xs))
    for t, v in zip(targets, vals):
        g.say(f"position {quote(t)} xs", v)
    g.result("length xs", len(xs))
    g.task(f"Write `position t xs` giving {form} of the first occurrence. For {lit(xs)} print the results for {quote(targets[0])} and {quote(targets[1])}; `main` returns the list's length.")


@family(C, "records", "formatting")
def inventory_report(g: Gen) -> None:
    items = g.sample(ITEMS + FRUITS, g.int(3, 5))
    rows = [{"name": n, "qty": g.int(0, 20), "price": g.int(1, 40)} for n in items]
    low = g.int(2, 8)
    g.let("stock", lit(rows))
    g.define(g.pick(["value r = r.qty * r.price", "value {qty, price} = qty * price"]))
    g.define('line r = "${r.name}: ${r.qty} x ${r.price} = ${value r}"')
    g.define(f"low_stock rs = map (\\r -> r.name) (filter (\\r -> r.qty < {low}) rs)")
    g.says("for_each (\\r -> print (line r)) stock", [f"{r['name']}: {r['qty']} x {r['price']} = {r['qty'] * r['price']}" for r in rows])
    g.say("low_stock stock", [r["name"] for r in rows if r["qty"] < low])
    g.result("sum (map value stock)", sum(r["qty"] * r["price"] for r in rows))
    g.style("report")
    g.approach("Small functions for one row's value and line; the report maps them over the records.")
    g.task(
        f"An inventory is a list of records `{{name, qty, price}}`: {lit(rows)}. Print one line `NAME: QTY x PRICE = VALUE` per item, then the list of names with fewer than {low} in stock; "
        "`main` returns the total value."
    )


@family(C, "records", "sorting")
def ranking(g: Gen) -> None:
    names = g.sample(NAMES, g.int(3, 6))
    scores = g.sample(range(10, 100), len(names))
    rows = [{"name": n, "score": s} for n, s in zip(names, scores)]
    g.define("insert r [] = [r]\ninsert r (x:rest) = ? r.score > x.score -> (r : x : rest) : x : insert r rest")
    g.define("rank rs = foldl (\\acc r -> insert r acc) [] rs")
    g.let("ranked", f"rank {lit(rows)}")
    ordered = sorted(rows, key=lambda r: -r["score"])
    style = g.style("indices", "zip")
    if style == "indices":
        g.says('for_each (\\i -> print "${i + 1}. ${(index i ranked).name} (${(index i ranked).score})") [0..(length ranked - 1)]',
               [f"{i + 1}. {r['name']} ({r['score']})" for i, r in enumerate(ordered)])
        g.approach("Sort the records by score with an insertion fold, then print them with their position.")
    else:
        g.says('for_each (\\p -> print "${p.fst}. ${p.snd.name} (${p.snd.score})") (zip_pos 1 ranked)', [f"{i + 1}. {r['name']} ({r['score']})" for i, r in enumerate(ordered)])
        g.define("zip_pos _ [] = []\nzip_pos n (x:rest) = (n, x) : zip_pos (n + 1) rest")
        g.approach("Sort by score, pair each record with its position as `(n, record)`, and print.")
        g.tag("pairs")
    k = g.int(1, len(rows))
    g.result(f"map (\\r -> r.name) (take {k} ranked)", [r["name"] for r in ordered[:k]])
    g.task(f"Rank the players {lit(rows)} by score, highest first. Print lines `N. NAME (SCORE)`; `main` returns the names of the top {k}.")


@family(C, "adt", "results")
def bank_transactions(g: Gen) -> None:
    g.define("Tx = Deposit Int | Withdraw Int | Fee" + g.pick(["", " derive (Show)", " derive (Show, Eq)"]))
    fee = g.int(1, 5)
    g.define(
        f'apply bal (Deposit n) = Ok (bal + n)\napply bal (Withdraw n) = ? n > bal -> Err "insufficient funds for ${{n}}" : Ok (bal - n)\n'
        f'apply bal Fee = ? bal < {fee} -> Err "cannot pay fee" : Ok (bal - {fee})'
    )
    style = g.style("and_then_fold", "recursion")
    if style == "and_then_fold":
        g.define("run start txs = foldl (\\acc t -> and_then (\\b -> apply b t) acc) (Ok start) txs")
        g.approach("Fold with `and_then`: after the first `Err` the rest of the transactions are skipped.")
    else:
        g.define("run bal [] = Ok bal\nrun bal (t:rest) = and_then (\\b -> run b rest) (apply bal t)")
        g.approach("Apply one transaction and continue with the new balance only on `Ok`.")
    start = g.int(0, 100)
    batches = []
    for _ in range(2):
        txs = []
        for _ in range(g.int(2, 5)):
            k = g.pick(["Deposit", "Withdraw", "Withdraw", "Fee"])
            txs.append(Con(k, g.int(5, 120)) if k != "Fee" else Con("Fee"))
        batches.append(txs)

    def run(bal, txs):
        for t in txs:
            if t.name == "Deposit":
                bal += t.args[0]
            elif t.name == "Withdraw":
                if t.args[0] > bal:
                    return Con("Err", f"insufficient funds for {t.args[0]}")
                bal -= t.args[0]
            else:
                if bal < fee:
                    return Con("Err", "cannot pay fee")
                bal -= fee
        return Con("Ok", bal)

    for txs in batches:
        g.say(f"run {start} {lit(txs)}", run(start, txs))
    g.result(f"unwrap_or 0 (run {start} [])", start)
    g.task(
        f"Transactions are `Tx = Deposit Int | Withdraw Int | Fee` (a fee costs {fee}). `apply bal tx` returns `Ok newBalance` or an `Err` "
        f"(\"insufficient funds for N\", or \"cannot pay fee\"). `run start txs` applies them in order and stops at the first error. From a balance of {start}, "
        f"print `run` for {lit(batches[0])} and for {lit(batches[1])}; `main` returns `unwrap_or 0` of running no transactions."
    )


@family(C, "records", "patterns")
def shopping_cart(g: Gen) -> None:
    items = g.sample(FRUITS + ITEMS, g.int(2, 4))
    cart = [{"item": i, "price": g.int(1, 30), "qty": g.int(1, 5)} for i in items]
    codes = {"SAVE10": ("pct", 10), "HALF": ("pct", 50), "FIVE": ("flat", 5), "NONE": ("none", 0)}
    code = g.pick(list(codes))
    g.define(g.pick(["subtotal cart = sum (map (\\l -> l.price * l.qty) cart)", "subtotal cart = sum (map (\\{price, qty} -> price * qty) cart)"]))
    g.define('discount "SAVE10" t = t / 10\ndiscount "HALF" t = t / 2\ndiscount "FIVE" t = ? t < 5 -> t : 5\ndiscount _ _ = 0')
    g.define("total cart code =\n  t = subtotal cart\n  t - discount code t")
    g.tag("local_block", "strings")
    sub = sum(row["price"] * row["qty"] for row in cart)

    def disc(c, t):
        kind, v = codes.get(c, ("none", 0))
        if kind == "pct":
            return t * v // 100
        if kind == "flat":
            return t if t < 5 else 5
        return 0

    g.let("cart", lit(cart))
    g.say("subtotal cart", sub)
    other = g.pick(["BOGUS", "SAVE10", "FIVE", "HALF"])
    g.say(f"total cart {quote(other)}", sub - disc(other, sub))
    g.result(f"total cart {quote(code)}", sub - disc(code, sub))
    g.style("string_patterns")
    g.approach("The discount matches the code with string literal patterns; the total names the subtotal in a local block.")
    g.task(
        f"A cart is a list of `{{item, price, qty}}` records: {lit(cart)}. Discount codes: \"SAVE10\" takes 10% off, \"HALF\" 50%, \"FIVE\" 5 (at most the subtotal), anything else nothing (Int arithmetic). "
        f"Print the subtotal and the total with code {quote(other)}; `main` returns the total with {quote(code)}."
    )


@family(C, "adt", "records")
def todo_list(g: Gen) -> None:
    g.define("Status = Todo | Doing | Done derive (Show, Eq)")
    tasks = [{"title": w, "status": Con(g.pick(["Todo", "Doing", "Done"]))} for w in g.sample(WORDS, g.int(3, 6))]
    g.define("count s ts = length (filter (\\t -> t.status == s) ts)")
    g.define("finish title ts = map (\\t -> ? t.title == title -> {...t, status = Done} : t) ts")
    g.tag("record_update")
    target = g.pick(tasks)["title"]
    after = [{**t, "status": Con("Done")} if t["title"] == target else t for t in tasks]
    g.let("ts", lit(tasks))
    style = g.style("lines", "summary")

    def cnt(s, ts):
        return sum(1 for t in ts if t["status"].name == s)

    if style == "lines":
        g.says('for_each (\\s -> print "${s}: ${count s ts}") [Todo Doing Done]', [f"{s}: {cnt(s, tasks)}" for s in ("Todo", "Doing", "Done")])
        how = "print `STATUS: COUNT` for Todo, Doing and Done"
    else:
        g.say("map (\\s -> count s ts) [Todo Doing Done]", [cnt(s, tasks) for s in ("Todo", "Doing", "Done")])
        how = "print the list of counts for Todo, Doing and Done"
    g.let("ts2", f"finish {quote(target)} ts")
    g.say("map (\\t -> t.title) (filter (\\t -> t.status != Done) ts2)", [t["title"] for t in after if t["status"].name != "Done"])
    g.result("count Done ts2", cnt("Done", after))
    g.approach("A status ADT deriving Eq; counting filters by status and finishing a task is a record update in a map.")
    g.task(
        f"Tasks are records `{{title, status}}` with `Status = Todo | Doing | Done`: {lit(tasks)}. Write `count status tasks` and `finish title tasks`. "
        f"{how[0].upper() + how[1:]}; finish {quote(target)}, print the titles not done yet, and let `main` return the number done."
    )


@family(C, "lists", "comprehension")
def matrix_multiply(g: Gen) -> None:
    n, m, p = g.int(2, 3), g.int(2, 3), g.int(2, 3)
    a = [g.ints(m, -3, 6) for _ in range(n)]
    b = [g.ints(p, -3, 6) for _ in range(m)]
    g.define("col j m = map (\\row -> index j row) m")
    g.define("dot xs ys = sum (map (\\i -> index i xs * index i ys) [0..(length xs - 1)])")
    style = g.style("comprehension", "map")
    if style == "comprehension":
        g.define("mul a b = [[dot row (col j b) | j <- [0..(length (head b) - 1)]] | row <- a]")
        g.approach("Each entry is the dot product of a row of A with a column of B; nested comprehensions build the rows.")
    else:
        g.define("mul a b = map (\\row -> map (\\j -> dot row (col j b)) [0..(length (head b) - 1)]) a")
        g.approach("Map over the rows of A, and for each over the column indices of B.")
    prod = [[sum(a[i][k] * b[k][j] for k in range(m)) for j in range(p)] for i in range(n)]
    g.let("c", f"mul {lit(a)} {lit(b)}")
    g.says("for_each print c", prod)
    g.result("sum (map sum c)", sum(map(sum, prod)))
    g.task(f"Multiply the matrices A = {lit(a)} and B = {lit(b)} (lists of rows) with helpers `col`, `dot` and `mul`. Print each row of the product on its own line; `main` returns the sum of all entries.")


@family(C, "recursion", "lists")
def sieve(g: Gen) -> None:
    n = g.int(20, 150)
    style = g.style("filter", "comprehension")
    if style == "filter":
        g.define("sieve [] = []\nsieve (p:rest) = p : sieve (filter (\\x -> x % p != 0) rest)")
        g.approach("Keep the head as a prime and strike out its multiples from the rest.")
    else:
        g.define("sieve [] = []\nsieve (p:rest) = p : sieve [x | x <- rest, x % p != 0]")
        g.approach("The same sieve with a comprehension removing the multiples of each prime.")
    ps = [k for k in range(2, n + 1) if all(k % d for d in range(2, int(k**0.5) + 1))]
    g.let("ps", f"sieve [2..{n}]")
    if g.chance(0.5):
        g.say("ps", ps)
        g.result("length ps", len(ps))
        g.task(f"Use a recursive sieve to list the primes up to {n}. Print them; `main` returns how many there are.")
    else:
        k = g.int(2, 6)
        g.say(f"take {k} (reverse ps)", ps[::-1][:k])
        g.result("sum ps", sum(ps))
        g.task(f"Write a recursive sieve of Eratosthenes `sieve` and apply it to [2..{n}]. Print the {k} largest primes (largest first); `main` returns the sum of all of them.")


@family(C, "recursion", "search", weight=0.05)
def n_queens(g: Gen) -> None:
    n = g.int(4, 6)
    g.define("safe q qs = length (filter (\\p -> index 1 p == q || abs (index 1 p - q) == index 0 p) (zip [1..(length qs)] qs)) == 0")
    g.define("place 0 _ = [[]]\nplace k n = [q : qs | qs <- place (k - 1) n, q <- [1..n], safe q qs]")
    counts = {4: 2, 5: 10, 6: 4}
    firsts = {4: [3, 1, 4, 2], 5: [4, 2, 5, 3, 1], 6: [5, 3, 1, 6, 4, 2]}
    g.let("sols", f"place {n} {n}")
    g.say("head sols", firsts[n])
    g.result("length sols", counts[n])
    g.style("backtracking")
    g.approach("Place queens row by row; a comprehension extends each safe partial solution by every safe column.")
    g.task(
        f"Count the ways to place {n} queens on a {n}x{n} board so that none attack each other. Represent a placement as the list of columns, newest row first; "
        "`safe q qs` checks column and diagonal conflicts and `place k n` builds all safe placements of k rows with a comprehension (generators in the order qs, then q from 1 to n). "
        "Print the first placement found; `main` returns the number of solutions."
    )


@family(C, "recursion", weight=0.3)
def hanoi(g: Gen) -> None:
    n = g.int(2, 4) if g.chance(0.5) else g.int(5, 12)
    a, b, c = g.pick([("A", "B", "C"), ("L", "M", "R"), ("1", "2", "3")])
    style = g.style("moves", "count")
    if style == "moves" and n <= 4:
        g.define('hanoi 0 _ _ _ = []\nhanoi k from to via = hanoi (k - 1) from via to ++ ["${from}->${to}"] ++ hanoi (k - 1) via to from')

        def moves(k, f, t, v):
            return [] if k == 0 else [*moves(k - 1, f, v, t), f"{f}->{t}", *moves(k - 1, v, t, f)]

        ms = moves(n, a, c, b)
        g.says(f"for_each print (hanoi {n} {quote(a)} {quote(c)} {quote(b)})", ms)
        g.result(f"length (hanoi {n} {quote(a)} {quote(c)} {quote(b)})", len(ms))
        g.approach("Move n - 1 disks out of the way, move the largest, then move the n - 1 back on top.")
        g.task(f"Solve the Towers of Hanoi for {n} disks from peg {a} to peg {c} using {b}: `hanoi k from to via` returns the moves as strings \"X->Y\". Print each move on its own line; `main` returns the number of moves.")
    else:
        g.style_name = "count"
        g.define("moves 0 = 0\nmoves k = 2 * moves (k - 1) + 1")
        g.say(f"moves {n}", 2**n - 1)
        g.result(f"map moves [1..{min(n, 6)}]", [2**k - 1 for k in range(1, min(n, 6) + 1)])
        g.approach("The number of moves satisfies m(k) = 2 m(k - 1) + 1.")
        g.task(f"Write `moves k`, the number of moves the Towers of Hanoi need for k disks, by its recurrence. Print `moves {n}`; `main` returns the counts for 1 to {min(n, 6)} disks.")


def _roman(n: int) -> str:
    out = ""
    for v, s in [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]:
        while n >= v:
            out += s
            n -= v
    return out


@family(C, "strings", "recursion", weight=0.3)
def roman_numerals(g: Gen) -> None:
    ns = g.ints(g.int(3, 6), 1, 3999)
    style = g.style("table_recursion", "guards")
    if style == "table_recursion":
        g.define('table = [(MkPair 1000 "M") (MkPair 900 "CM") (MkPair 500 "D") (MkPair 400 "CD") (MkPair 100 "C") (MkPair 90 "XC") (MkPair 50 "L") (MkPair 40 "XL") (MkPair 10 "X") (MkPair 9 "IX") (MkPair 5 "V") (MkPair 4 "IV") (MkPair 1 "I")]')
        g.define("go 0 _ = \"\"\ngo n ((MkPair v s):rest) = ? n >= v -> s ++ go (n - v) ((MkPair v s):rest) : go n rest\n\nroman n = go n table")
        g.approach("Walk a table of values and symbols from the largest, subtracting while the value fits.")
    else:
        g.define(
            'roman n =\n  ? n >= 1000 -> "M" ++ roman (n - 1000)\n  : ? n >= 900 -> "CM" ++ roman (n - 900)\n  : ? n >= 500 -> "D" ++ roman (n - 500)\n'
            '  : ? n >= 400 -> "CD" ++ roman (n - 400)\n  : ? n >= 100 -> "C" ++ roman (n - 100)\n  : ? n >= 90 -> "XC" ++ roman (n - 90)\n'
            '  : ? n >= 50 -> "L" ++ roman (n - 50)\n  : ? n >= 40 -> "XL" ++ roman (n - 40)\n  : ? n >= 10 -> "X" ++ roman (n - 10)\n'
            '  : ? n >= 9 -> "IX" ++ roman (n - 9)\n  : ? n >= 5 -> "V" ++ roman (n - 5)\n  : ? n >= 4 -> "IV" ++ roman (n - 4)\n'
            '  : ? n >= 1 -> "I" ++ roman (n - 1)\n  : ""'
        )
        g.approach("A chain of conditions emits the largest symbol that fits and recurses on the rest.")
    phrase = g.each(lambda x: f"roman {x}", ns, [_roman(n) for n in ns], what="the Roman numeral", direct="roman")
    g.task(f"Write `roman n` converting 1..3999 to Roman numerals (with subtractive forms like IV and CM). In `main`, {phrase}.")


@family(C, "strings", "adt", "parsing", weight=0.25)
def rpn_calculator(g: Gen) -> None:
    def gen_expr(d):
        if d == 0 or g.chance(0.3):
            return [str(g.int(1, 9))], None
        left, _ = gen_expr(d - 1)
        right, _ = gen_expr(d - 1)
        return left + right + [g.pick(["+", "-", "*"])], None

    toks, _ = gen_expr(3)
    if len(toks) < 3:
        toks = [str(g.int(1, 9)), str(g.int(1, 9)), "+"]
    helper(g, "to_int")
    g.define(
        'step (a:(b:rest)) "+" = (b + a) : rest\nstep (a:(b:rest)) "-" = (b - a) : rest\nstep (a:(b:rest)) "*" = (b * a) : rest\nstep stack t = to_int t : stack'
    )
    style = g.style("fold", "recursion")
    if style == "fold":
        g.define("rpn tokens = head (foldl step [] tokens)")
        g.approach("Fold the tokens over a stack; an operator pops two numbers and pushes the result.")
    else:
        g.define("run stack [] = head stack\nrun stack (t:rest) = run (step stack t) rest\n\nrpn tokens = run [] tokens")
        g.approach("Recurse over the tokens, carrying the stack.")
    stack: list[int] = []
    for t in toks:
        if t in "+-*":
            a, b = stack.pop(), stack.pop()
            stack.append(b + a if t == "+" else b - a if t == "-" else b * a)
        else:
            stack.append(int(t))
    g.tag("patterns")
    g.result(f"rpn {lit(toks)}", stack[-1])
    if g.chance(0.5):
        g.say('rpn ["2" "3" "4" "*" "+"]', 14)
        extra = ' First print `rpn ["2" "3" "4" "*" "+"]`.'
    else:
        extra = ""
    g.task(f"Evaluate reverse Polish notation given as a list of string tokens (numbers and + - *). Write `step stack token` with patterns on the stack and the token, and `rpn`.{extra} `main` returns `rpn {lit(toks)}`.")


@family(C, "adt", "state_machine", weight=0.4)
def vending_machine(g: Gen) -> None:
    price = g.pick([25, 50, 75, 100])
    g.define("Event = Coin Int | Push | Refund" + g.pick(["", " derive (Show)"]))
    g.define(
        f'step s (Coin n) = {{...s, credit = s.credit + n}}\nstep s Push = ? s.credit >= {price} -> {{credit = s.credit - {price}, sold = s.sold + 1, log = s.log ++ ["sold"]}} : {{...s, log = s.log ++ ["need ${{{price} - s.credit}}"]}}\n'
        'step s Refund = {...s, credit = 0, log = s.log ++ ["refund ${s.credit}"]}'
    )
    g.tag("records", "record_update")
    events = []
    for _ in range(g.int(3, 7)):
        k = g.pick(["Coin", "Coin", "Push", "Refund"])
        events.append(Con("Coin", g.pick([5, 10, 25, 50])) if k == "Coin" else Con(k))
    s = {"credit": 0, "sold": 0, "log": []}
    for e in events:
        if e.name == "Coin":
            s["credit"] += e.args[0]
        elif e.name == "Push":
            if s["credit"] >= price:
                s = {"credit": s["credit"] - price, "sold": s["sold"] + 1, "log": s["log"] + ["sold"]}
            else:
                s["log"] = s["log"] + [f"need {price - s['credit']}"]
        else:
            s["log"] = s["log"] + [f"refund {s['credit']}"]
            s["credit"] = 0
    g.let("final", f"foldl step {{credit = 0, sold = 0, log = []}} {lit(events)}")
    g.says("for_each print (final.log)", s["log"])
    g.say("final.credit", s["credit"])
    g.result("final.sold", s["sold"])
    g.style("fold_state")
    g.approach("The machine's state is a record; `step` handles one event and the run is a fold.")
    g.task(
        f"Simulate a vending machine selling at {price}. State `{{credit, sold, log}}`; events `Event = Coin Int | Push | Refund`. Push sells when the credit covers the price (log \"sold\"), "
        f"else logs \"need N\"; Refund logs \"refund N\" and zeroes the credit. Run {lit(events)}, print each log line, then the remaining credit; `main` returns the number sold."
    )


@family(C, "map", "records")
def payroll(g: Gen) -> None:
    depts = g.sample(["ops", "dev", "sales", "hr", "ads", "qa"], g.int(2, 3))
    staff = [{"name": n, "dept": g.pick(depts), "pay": g.int(20, 90) * 100} for n in g.sample(PEOPLE, g.int(3, 5))]
    g.define(g.pick(["by_dept es = foldl (\\m e -> map_insert (e.dept) (map_get (e.dept) 0 m + e.pay) m) map_empty es",
                     "by_dept es = foldl (\\m {dept, pay} -> map_insert dept (map_get dept 0 m + pay) m) map_empty es"]))
    g.let("totals", f"by_dept {lit(staff)}")
    tot: dict[str, int] = {}
    for e in staff:
        tot[e["dept"]] = tot.get(e["dept"], 0) + e["pay"]
    keys = sorted(tot)
    g.says('for_each (\\d -> print "${d}: ${map_get d 0 totals}") (map_keys totals)', [f"{d}: {tot[d]}" for d in keys])
    raise_pct = g.int(2, 10)
    g.define(f"give_raise e = {{...e, pay = e.pay + e.pay * {raise_pct} / 100}}")
    after = [e["pay"] + e["pay"] * raise_pct // 100 for e in staff]
    g.result(f"sum (map (\\e -> (give_raise e).pay) {lit(staff)})", sum(after))
    g.style("map_fold")
    g.tag("record_update")
    g.approach("Fold the employees into a Map of department totals; the raise is a record update.")
    g.task(
        f"Employees are records `{{name, dept, pay}}`: {lit(staff)}. Print the total pay per department as `DEPT: TOTAL` in department order (use a Map). "
        f"`main` returns the payroll after a {raise_pct}% raise for everyone (Int arithmetic per employee)."
    )


@family(C, "recursion", "dynamic_programming", weight=0.5)
def grid_paths(g: Gen) -> None:
    r, c = g.int(2, 6), g.int(2, 6)
    blocked = [] if g.chance(0.4) else [(g.int(0, r - 1), g.int(0, c - 1))]
    blocked = [b for b in blocked if b not in ((0, 0), (r - 1, c - 1))]
    cond = " || ".join(f"(i == {a} && j == {b})" for a, b in blocked)
    if blocked:
        g.define(f"paths i j =\n  ? i < 0 || j < 0 || {cond} -> 0\n  : ? i == 0 && j == 0 -> 1\n  : paths (i - 1) j + paths i (j - 1)")
    else:
        g.define("paths i j =\n  ? i < 0 || j < 0 -> 0\n  : ? i == 0 && j == 0 -> 1\n  : paths (i - 1) j + paths i (j - 1)")
    memo: dict = {}

    def paths(i, j):
        if i < 0 or j < 0 or (i, j) in blocked:
            return 0
        if i == 0 and j == 0:
            return 1
        if (i, j) not in memo:
            memo[(i, j)] = paths(i - 1, j) + paths(i, j - 1)
        return memo[(i, j)]

    g.say(f"paths {r - 1} {c - 1}", paths(r - 1, c - 1))
    g.result(f"map (\\k -> paths k k) [0..{min(r, c) - 1}]", [paths(k, k) for k in range(min(r, c))])
    g.style("recursion")
    g.approach("A cell is reached from above or from the left, so the counts add up recursively.")
    block = f" Cell ({blocked[0][0]}, {blocked[0][1]}) is blocked." if blocked else ""
    g.task(f"Count monotone paths (moves down or right) from the top-left cell (0, 0) to cell (i, j) with `paths i j`.{block} Print `paths {r - 1} {c - 1}`; `main` returns `paths k k` for k from 0 to {min(r, c) - 1}.")


@family(C, "recursion", "dynamic_programming")
def knapsack(g: Gen) -> None:
    n = g.int(3, 6)
    items = [{"w": g.int(1, 9), "v": g.int(1, 30)} for _ in range(n)]
    cap = g.int(5, 20)
    g.define(g.pick(["best _ [] = 0\nbest cap (it:rest) =\n  skip = best cap rest\n  ? it.w > cap -> skip : bigger skip (it.v + best (cap - it.w) rest)",
                     "best _ [] = 0\nbest cap ({w, v}:rest) =\n  skip = best cap rest\n  ? w > cap -> skip : bigger skip (v + best (cap - w) rest)"]))
    g.define("bigger a b = ? a > b -> a : b")
    g.defs.reverse()
    g.tag("local_block", "records")

    def best(cap, its):
        if not its:
            return 0
        it, rest = its[0], its[1:]
        skip = best(cap, rest)
        return skip if it["w"] > cap else max(skip, it["v"] + best(cap - it["w"], rest))

    g.let("items", lit(items))
    g.say(f"best {cap} items", best(cap, items))
    g.result("best 0 items", 0)
    g.style("recursion")
    g.approach("For each item either skip it or take it if it fits, and keep the better total.")
    g.task(f"0/1 knapsack: items are records `{{w, v}}` (weight, value): {lit(items)}. Write `best cap items`, the largest total value within capacity cap. Print `best {cap} items`; `main` returns `best 0 items`.")


@family(C, "recursion", "dynamic_programming")
def coin_change(g: Gen) -> None:
    coins = sorted(g.sample([1, 2, 3, 5, 10, 20, 25], g.int(2, 4)))
    amount = g.int(5, 40)
    style = g.style("ways", "greedy")
    if style == "ways":
        g.define("ways 0 _ = 1\nways _ [] = 0\nways n (c:rest) = ? n < 0 -> 0 : ways (n - c) (c:rest) + ways n rest")

        def ways(n, cs):
            if n == 0:
                return 1
            if n < 0 or not cs:
                return 0
            return ways(n - cs[0], cs) + ways(n, cs[1:])

        g.say(f"ways {amount} {lit(coins)}", ways(amount, coins))
        g.result(f"ways 0 {lit(coins)}", 1)
        g.approach("Either use the first coin again or drop it; the two counts add up.")
        g.task(f"Count the ways to make {amount} from coins {lit(coins)} (unlimited supply, order does not matter) with `ways n coins`. Print it; `main` returns `ways 0` (one way: no coins).")
    else:
        cs = sorted(set(coins) | {1}, reverse=True)
        g.define("change 0 _ = []\nchange _ [] = []\nchange n (c:rest) = ? c <= n -> (c : change (n - c) (c:rest)) : change n rest")
        out = []
        n = amount
        for c in cs:
            while c <= n:
                out.append(c)
                n -= c
        g.say(f"change {amount} {lit(cs)}", out)
        g.result(f"length (change {amount} {lit(cs)})", len(out))
        g.approach("Greedy: take the largest coin that fits, again and again.")
        g.task(f"Make change for {amount} greedily with coins {lit(cs)} (largest first): `change n coins` lists the coins used. Print the list; `main` returns how many coins.")


@family(C, "sorting", "searching")
def kth_largest(g: Gen) -> None:
    xs = g.sample(range(-50, 200), g.int(5, 10))
    k = g.int(1, len(xs))
    g.define("insert x [] = [x]\ninsert x (y:rest) = ? x >= y -> (x : y : rest) : y : insert x rest")
    g.define("desc xs = foldl (\\acc x -> insert x acc) [] xs")
    g.define("kth k xs = index (k - 1) (desc xs)")
    ys = sorted(xs, reverse=True)
    g.say(f"desc {lit(xs)}", ys)
    g.say(f"kth {k} {lit(xs)}", ys[k - 1])
    g.result(f"take {min(3, len(xs))} (desc {lit(xs)})", ys[:3])
    g.style("sort_then_index")
    g.approach("Sort in descending order with an insertion fold, then index.")
    g.task(f"Find the k-th largest element: write `desc xs` (sorted largest first) and `kth k xs` (1-based). For {lit(xs)} print the descending list and the {k}-th largest; `main` returns the top three.")


@family(C, "searching", "comprehension")
def two_sum(g: Gen) -> None:
    xs = g.sample(range(1, 60), g.int(5, 9))
    i, j = sorted(g.sample(range(len(xs)), 2))
    target = xs[i] + xs[j]
    style = g.style("comprehension", "recursion")
    if style == "comprehension":
        g.define("pairs xs t = [[i j] | i <- [0..(length xs - 1)], j <- [(i + 1)..(length xs - 1)], index i xs + index j xs == t]")
        g.approach("A comprehension over index pairs i < j keeps those whose elements add up to the target.")
    else:
        g.define("from i j xs t =\n  ? i >= length xs -> []\n  : ? j >= length xs -> from (i + 1) (i + 2) xs t\n  : ? index i xs + index j xs == t -> ([i j] : from i (j + 1) xs t)\n  : from i (j + 1) xs t")
        g.define("pairs xs t = from 0 1 xs t")
        g.approach("Walk the index pairs (i, j) with i < j recursively.")
    got = [[a, b] for a in range(len(xs)) for b in range(a + 1, len(xs)) if xs[a] + xs[b] == target]
    g.say(f"pairs {lit(xs)} {target}", got)
    g.result(f"length (pairs {lit(xs)} 1000)", 0)
    g.task(f"Find all index pairs [i j] with i < j whose elements of {lit(xs)} add up to {target}, with `pairs xs t`. Print them; `main` returns the number of pairs for the target 1000.")


@family(C, "lists", "map")
def dedup_stats(g: Gen) -> None:
    xs = [g.int(0, 9) for _ in range(g.int(6, 12))]
    style = g.style("fold_member", "recursion", "map")
    if style == "fold_member":
        g.define("dedup xs = foldl (\\acc x -> ? length (filter (\\y -> y == x) acc) > 0 -> acc : acc ++ [x]) [] xs")
        g.approach("Keep each element the first time it is seen, checking the list kept so far.")
    elif style == "recursion":
        g.define("dedup [] = []\ndedup (x:rest) = x : dedup (filter (\\y -> y != x) rest)")
        g.approach("Keep the head and remove its other copies from the rest.")
    else:
        g.define("dedup xs = (foldl (\\st x -> ? has_key x (st.seen) -> st : {seen = map_insert x true (st.seen), out = st.out ++ [x]}) {seen = map_empty, out = []} xs).out")
        g.approach("Remember the values seen in a Map inside the fold's record.")
        g.tag("records")
    seen = []
    for x in xs:
        if x not in seen:
            seen.append(x)
    g.say(f"dedup {lit(xs)}", seen)
    g.result(f"length {lit(xs)} - length (dedup {lit(xs)})", len(xs) - len(seen))
    g.task(f"Remove duplicates from {lit(xs)} keeping the first occurrence of each value, with `dedup`. Print the result; `main` returns how many elements were removed.")


@family(C, "map", "results", "records")
def library_checkout(g: Gen) -> None:
    books = g.sample(["dune", "emma", "ulysses", "hamlet", "beloved", "lolita", "ivanhoe", "walden"], g.int(3, 5))
    g.define('checkout title who lib =\n  ? not (has_key title lib) -> Err "no such book: ${title}"\n  : ? map_get title "" lib != "" -> Err "${title} is out"\n  : Ok (map_insert title who lib)')
    g.define('return_book title lib = map_insert title "" lib')
    g.let("lib", "from_pairs [" + " ".join(f"(MkPair {quote(b)} \"\")" for b in books) + "]")
    ops = []
    for _ in range(g.int(2, 4)):
        ops.append((g.pick([*books, "missing"]), g.pick(PEOPLE)))
    lib = {b: "" for b in books}
    lines = []
    for title, who in ops:
        if title not in lib:
            lines.append(Con("Err", f"no such book: {title}"))
        elif lib[title] != "":
            lines.append(Con("Err", f"{title} is out"))
        else:
            lib[title] = who
            lines.append(Con("Ok", "done"))
    g.define("try_all lib [] = lib\ntry_all lib ((MkPair t who):rest) =\n  r = checkout t who lib\n  print (map_ok (\\_ -> \"done\") r)\n  try_all (unwrap_or lib r) rest")
    g.tag("local_block", "io")
    g.let("after", f"try_all lib {lit([Con('MkPair', t, w) for t, w in ops])}")
    g.stmt("print (map_keys after)")
    g.out.extend(show(x) for x in lines)
    g.out.append(show(sorted(lib)))
    out_books = sorted(b for b in lib if lib[b])
    g.result('map_keys (from_pairs (filter (\\p -> snd p != "") (entries after)))', out_books)
    g.style("map_result")
    g.approach("The library is a Map from title to borrower (\"\" when in); checkout returns a Result with the new Map.")
    g.task(
        f"A library is a Map from title to borrower (\"\" = on the shelf) holding {english_list(books)}. `checkout title who lib` returns `Ok` with the updated Map, or "
        f"`Err \"no such book: T\"` / `Err \"T is out\"`. Try the checkouts {english_list([f'{t} by {w}' for t, w in ops])} in order, printing each result with its Ok value replaced by \"done\"; "
        "then print all titles; `main` returns the titles that are out, in order."
    )


@family(C, "adt", "map", "records")
def tournament(g: Gen) -> None:
    teams = g.sample(["ants", "bees", "cats", "dogs", "elks", "foxes", "gnus", "hens", "owls", "yaks"], g.int(3, 5))
    win, draw, tname = g.pick([("Win", "Draw", "Game"), ("Beat", "Tie", "Match"), ("Won", "Drew", "Outcome")])
    wp, dp = g.pick([(3, 1), (2, 1), (4, 2), (5, 2)])
    g.define(f"{tname} = {win} String String | {draw} String String")
    style = g.style("helper", "inline")
    if style == "helper":
        g.define("add k n m = map_insert k (map_get k 0 m + n) m")
        g.define(f"score m ({win} a b) = add b 0 (add a {wp} m)\nscore m ({draw} a b) = add b {dp} (add a {dp} m)")
    else:
        g.define(f"score m ({win} a b) = map_insert b (map_get b 0 m) (map_insert a (map_get a 0 m + {wp}) m)\n"
                 f"score m ({draw} a b) =\n  m1 = map_insert a (map_get a 0 m + {dp}) m\n  map_insert b (map_get b 0 m1 + {dp}) m1")
        g.tag("local_block")
    games = []
    for _ in range(g.int(3, 7)):
        a, b = g.sample(teams, 2)
        games.append(Con(g.pick([win, win, draw]), a, b))
    pts: dict[str, int] = {}
    for gm in games:
        a, b = gm.args
        if gm.name == win:
            pts[a] = pts.get(a, 0) + wp
            pts[b] = pts.get(b, 0)
        else:
            pts[a] = pts.get(a, 0) + dp
            pts[b] = pts.get(b, 0) + dp
    g.let("table", f"foldl score map_empty {lit(games)}")
    ks = sorted(pts)
    sep = g.pick([" ", ": ", " - "])
    g.says(f'for_each (\\t -> print "${{t}}{sep}${{map_get t 0 table}}") (map_keys table)', [f"{k}{sep}{pts[k]}" for k in ks])
    leader = ks[0]
    for k in ks:
        if pts[k] > pts[leader]:
            leader = k
    g.result("foldl (\\best t -> ? map_get t 0 table > map_get best 0 table -> t : best) (head (map_keys table)) (map_keys table)", leader)
    g.approach(f"Fold the results into a Map of points: {wp} for a win, {dp} each for a draw.")
    g.task(
        f"Games are `{win} winner loser` or `{draw} a b`: {lit(games)}. A win gives {wp} points, a draw {dp} to each; every team that played appears. Print `TEAM{sep}POINTS` in name order; "
        "`main` returns the leader (the first in name order on ties)."
    )


@family(C, "records", "lists")
def temperature_stats(g: Gen) -> None:
    city = g.pick(CITIES)
    temps = g.ints(g.int(5, 9), -10, 35)
    g.define("avg xs = sum xs / length xs")
    g.define("warmest xs = foldl (\\m x -> ? x > m -> x : m) (head xs) xs")
    g.define("coldest xs = foldl (\\m x -> ? x < m -> x : m) (head xs) xs")
    style = g.style("record", "lines")
    a = idiv(sum(temps), len(temps))
    above = sum(1 for t in temps if t > a)
    g.let("ts", lit(temps))
    if style == "record":
        g.define(g.pick(["summary xs = {low = coldest xs, high = warmest xs, mean = avg xs}",
                         "summary xs =\n  low = coldest xs\n  high = warmest xs\n  mean = avg xs\n  {low, high, mean}"]))
        g.say("summary ts", {"low": min(temps), "high": max(temps), "mean": a})
        g.approach("Small helpers for each statistic, gathered in one summary record.")
        how = "print a summary record `{low, high, mean}`"
    else:
        g.say(f'"{city}: ${{coldest ts}} to ${{warmest ts}}, mean ${{avg ts}}"', f"{city}: {min(temps)} to {max(temps)}, mean {a}")
        g.approach("Small helpers for each statistic, combined with interpolation.")
        how = f"print `{city}: LOW to HIGH, mean MEAN`"
    g.result("length (filter (\\t -> t > avg ts) ts)", above)
    g.task(f"Daily temperatures in {city}: {lit(temps)}. With helpers `avg` (Int), `warmest` and `coldest`, {how}; `main` returns the number of days warmer than the mean.")


@family(C, "lists", "recursion", weight=0.4)
def flood_count(g: Gen) -> None:
    # count islands in a small row of cells: runs of 1s
    cells = [g.pick([0, 1]) for _ in range(g.int(6, 14))]
    style = g.style("pairs", "recursion")
    if style == "pairs":
        g.define("starts xs = length (filter (\\p -> index 0 p == 0 && index 1 p == 1) (zip (0 : xs) xs))")
        g.approach("An island starts wherever a 1 follows a 0 (with a 0 before the first cell).")
    else:
        g.define("go _ [] = 0\ngo prev (x:rest) = (? prev == 0 && x == 1 -> 1 : 0) + go x rest\n\nstarts xs = go 0 xs")
        g.approach("Walk the cells remembering the previous one; count each 0-to-1 step.")
    runs = sum(1 for i, c in enumerate(cells) if c == 1 and (i == 0 or cells[i - 1] == 0))
    longest = max((len(r) for r in "".join(map(str, cells)).split("0")), default=0)
    g.define("longest xs = (foldl (\\st x -> ? x == 1 -> {cur = st.cur + 1, best = ? st.cur + 1 > st.best -> st.cur + 1 : st.best} : {...st, cur = 0}) {cur = 0, best = 0} xs).best")
    g.tag("records", "record_update")
    g.say(f"starts {lit(cells)}", runs)
    g.result(f"longest {lit(cells)}", longest)
    g.task(f"A strip of land is {lit(cells)} (1 = land). Print the number of islands (maximal runs of 1s) with `starts`; `main` returns the length of the longest island (`longest`, a fold with a record state).")
