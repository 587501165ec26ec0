"""What the model generators share: the prompt, the repair loop and the bounded concurrency.

The first request is the app's write conversation: the write system prompt followed by the
language reference (as the recipe did: a model that has never seen Synoema needs it), then the
task. A candidate that fails goes back with its diagnostics, or with its output beside the
expected one, for up to `rounds` more answers; every round is kept as an `Attempt`, so the
first-try and after-repair pass rates can both be reported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from synoema.fences import OUTPUT_INFO, fence, output_text
from synoema.snippets import extract_snippets

from ..schedule import RoundRobin, Slot, within
from ..schema import CorpusError, Task, Usage
from ..validate import NO_PROGRAM, Check, Validator, Verdict
from .base import Attempt, GeneratorError, Outcome

REFERENCES = ("full", "compact", "none")


@dataclass(frozen=True)
class Completion:
    text: str
    usage: Usage


class RequestError(RuntimeError):
    """One request failed for good (after retries); the slot is recorded as a generator error."""


class Client(Protocol):
    model: str
    concurrency: int

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int, temperature: float, seed: int | None) -> Completion: ...

    def close(self) -> None: ...


def system_prompt(reference: str) -> str:
    from assistant.knowledge import load_prompts

    if reference not in REFERENCES:
        raise CorpusError(f"--reference must be one of {', '.join(REFERENCES)}")
    return load_prompts().system_for("write", None if reference == "none" else reference)  # type: ignore[arg-type]


def first_program(answer: str) -> tuple[str | None, str]:
    """The first proposed (not quoted) program of an answer, and the prose before it."""
    for snip in extract_snippets(answer):
        if not snip.quoted and snip.code.strip():
            lead = " ".join(answer[: snip.start].split())
            return snip.code, lead
    return None, ""


def feedback(verdict: Verdict, expected: str) -> str:
    """The user turn that sends a failing candidate back: what went wrong, and what to reply."""
    ask = "Reply with the corrected complete program in one ```sno block, followed by its ```output block."
    if verdict.kind == "no_program":
        return "Your answer has no ```sno block with a complete program. " + ask
    if verdict.kind == "wrong_output":
        return (
            "That program runs, but it prints\n" + fence(OUTPUT_INFO, output_text(verdict.stdout)) + "\nand the task expects\n"
            + fence(OUTPUT_INFO, output_text(expected)) + "\n" + ask
        )
    if verdict.kind == "limit":
        lines = ["That program did not finish within the limits (time, memory or recursion depth)."]
    elif verdict.kind == "refused":
        lines = ["That program needs files, the network or the environment, which a task program may not use."]
    elif verdict.kind == "no_main":
        lines = ["That program defines no `main`, so nothing runs."]
    else:
        lines = ["That program does not compile or run. The compiler says:"]
        for d in verdict.diagnostics or ({"code": c, "message": verdict.message, "line": 0, "hint": ""} for c in verdict.codes[:1]):
            where = f" line {d['line']}" if d.get("line") else ""
            lines.append(f"- error[{d['code']}]{where}: {d['message']}")
            if d.get("hint"):
                lines.append(f"  hint: {d['hint']}")
    return "\n".join([*lines, "", ask])


class ModelGenerator:
    """A generator that asks a model (through a `Client`) to solve tasks, with a repair loop."""

    def __init__(self, name: str, client: Client, tasks: Sequence[Task], *, seed: int, rounds: int = 3,
                 reference: str = "full", temperature: float = 0.7, max_tokens: int = 768) -> None:
        if not tasks:
            raise CorpusError("the model generator has no tasks")
        self.name = name
        self.client = client
        self.seed = seed
        self.rounds = rounds
        self.reference = reference
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.system = system_prompt(reference)
        self.tasks: dict[str, list[Task]] = {}
        for t in tasks:
            self.tasks.setdefault(t.category, []).append(t)
        self._turns: dict[str, RoundRobin[Task]] = {c: within(seed, c, ts) for c, ts in self.tasks.items()}

    def plan(self) -> dict[str, list[str]]:
        return {c: sorted({t.family_name for t in ts}) for c, ts in self.tasks.items()}

    def settings(self) -> dict[str, Any]:
        ids = sorted(t.id for ts in self.tasks.values() for t in ts)
        return {
            "model": self.client.model,
            "rounds": self.rounds,
            "reference": self.reference,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "tasks": len(ids),
            "task_digest": hashlib.sha1("\n".join(ids).encode()).hexdigest()[:12],
        }

    def run(self, slots: Sequence[Slot], validator: Validator) -> list[Outcome]:
        work = [(slot, self._turns[slot.category][slot.rank]) for slot in slots]
        workers = max(1, min(self.client.concurrency, len(work)))
        if workers == 1:
            return [self._solve(slot, task, validator) for slot, task in work]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="corpus-model") as pool:
            return list(pool.map(lambda w: self._solve(w[0], w[1], validator), work))

    def _solve(self, slot: Slot, task: Task, validator: Validator) -> Outcome:
        messages = [{"role": "system", "content": self.system}, {"role": "user", "content": task.prompt}]
        attempts: list[Attempt] = []
        usage = Usage()
        code, lead, verdict = "", "", NO_PROGRAM
        for rnd in range(self.rounds + 1):
            try:
                got = self.client.complete(messages, max_tokens=self.max_tokens, temperature=self.temperature,
                                           seed=self.seed * 100_003 + slot.index * 7 + rnd)
            except RequestError as exc:
                return Outcome(slot, task, task.family_name, code, Verdict(False, "generator_error", ("request_error",), str(exc)),
                               model=self.client.model, attempts=tuple(attempts), usage=usage, error=str(exc))
            usage = usage + got.usage
            found, lead = first_program(got.text)
            if found is None:
                verdict = NO_PROGRAM
            else:
                code = found
                verdict = validator.one(Check(code, task.expected_output, task.stdin))
            attempts.append(Attempt(rnd, verdict.kind, verdict.codes, got.usage))
            if verdict.ok:
                break
            messages += [{"role": "assistant", "content": got.text}, {"role": "user", "content": feedback(verdict, task.expected_output)}]
        approach = lead if 0 < len(lead) <= 300 else ""
        return Outcome(slot, task, task.family_name, code, verdict, "model", approach, self.client.model, tuple(attempts), usage)

    def close(self) -> None:
        self.client.close()


__all__ = ["Client", "Completion", "GeneratorError", "ModelGenerator", "RequestError", "feedback", "first_program", "system_prompt"]
