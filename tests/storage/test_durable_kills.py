"""A JSONL writer SIGKILLed 50 times at random moments: every record it finished is readable
afterwards, torn lines are set aside (never merged with the next record), and nothing else is lost.

The writers are forked from one helper process (cheap, and single-threaded, so fork is safe); each
writer reports a record's id on a pipe only after `append` returned, which is what "finished" means.
Records are large (up to ~1 MiB) so that kills land in the middle of a `write`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from synoema.durable import read_jsonl

KILLS = 50

HELPER = textwrap.dedent(
    r'''
    import json, os, random, signal, sys, time
    from synoema.durable import JsonlAppender, append_jsonl

    path, kills, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    next_id = 0
    finished = []
    for round_ in range(kills):
        r, w = os.pipe()
        start = next_id
        pid = os.fork()
        if pid == 0:
            os.close(r)
            i = start
            # writers keep one appender open (with or without an fsync per line: without, the
            # kill lands in a write more often) or append record by record, reopening the file
            mode = round_ % 3
            out = JsonlAppender(path, sync=mode == 0) if mode < 2 else None
            while True:
                size = rng.choice((10, 1000, 100_000, 1_000_000, 4_000_000))
                rec = {"id": i, "round": round_, "pad": "x" * size, "text": "a\nb\u00e9"}
                if out is not None:
                    out.append(rec)
                else:
                    append_jsonl(path, rec)
                os.write(w, f"{i}\n".encode())
                i += 1
        os.close(w)
        time.sleep(rng.uniform(0.0, 0.06))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(r) as fh:
            done = [int(x) for x in fh.read().split()]
        finished += done
        next_id = start + len(done) + 1  # the id being written at the kill may or may not be there
    print(json.dumps(finished))
    '''
)


def test_fifty_kills_lose_no_finished_record(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    run = subprocess.run([sys.executable, "-c", HELPER, str(path), str(KILLS), "7"], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    finished = json.loads(run.stdout)
    got = read_jsonl(path)
    ids = [r["id"] for r in got.records]
    assert not got.bad_lines, got.bad_lines[:3]  # no merged or half lines in the middle
    assert set(finished) <= set(ids), sorted(set(finished) - set(ids))[:5]
    assert len(ids) == len(set(ids))  # nothing written twice
    # every line is one whole record: the only records beyond the finished ones are those killed
    # after their write and before the report (at most one per kill)
    assert len(set(ids) - set(finished)) <= KILLS
    assert all(r["pad"] == "x" * len(r["pad"]) and r["text"] == "a\nb\u00e9" for r in got.records)
    torn = path.with_name(path.name + ".torn")
    if torn.exists():  # what was set aside is partial lines only, one per line
        for line in torn.read_bytes().split(b"\n")[:-1]:
            try:
                json.loads(line)
            except ValueError:
                continue
            raise AssertionError("a complete record was set aside as torn")
