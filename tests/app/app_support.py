"""Helpers for the app tests: a scripted model, canned answers, and waiting for the app.

The only stand-in is the language model (no weights can be downloaded here): `ScriptedBackend`
implements the backend protocol and streams canned answers, so the real engine checks, repairs
and records everything it produces exactly as it would with a model.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from assistant.backends.base import BackendInfo, CancelToken, GenerationRequest

EXPLAIN_ANSWER = """`sq` multiplies its argument by itself, and `main` applies it to 7.

```sno
sq x = x * x
main = sq 7
```

```output
49
```
"""

FIX_ANSWER = """Synoema lists are written with spaces, so the commas are an `unexpected_token` error:

```sno quoted
main = [1, 2, 3]
```

Without the commas it runs:

```sno
main = [1 2 3]
```

```output
[1 2 3]
```
"""

ASK_ANSWER = """Use `reverse : List a -> List a` from the prelude:

```sno
main = reverse [1 2 3]
```

```output
[3 2 1]
```
"""

REVIEW_ANSWER = """`total` is a fold written by hand; `foldl` says it directly. The definitions alone type-check:

```sno
total xs = foldl (\\acc x -> acc + x) 0 xs
```

and a program that uses it:

```sno
total xs = foldl (\\acc x -> acc + x) 0 xs
main = total [1 2 3]
```

```output
6
```
"""

WRITE_ANSWER = """Squares of 1 to 5 with `map`:

```sno
square x = x * x
main = map square [1 2 3 4 5]
```

```output
[1 4 9 16 25]
```
"""

# A model mistake that the rule-based repair fixes (`len` is `length` in Synoema).
REPAIRABLE_ANSWER = """Count the elements:

```sno
main = len [1 2 3]
```
"""

# What the model answers when the engine sends a failing program back with its diagnostics.
MODEL_REPAIR_ANSWER = """```sno
main = length [1 2 3]
```

```output
3
```
"""

SCRIPT: dict[str, str] = {
    "explain": EXPLAIN_ANSWER,
    "fix": FIX_ANSWER,
    "ask": ASK_ANSWER,
    "review": REVIEW_ANSWER,
    "write": WRITE_ANSWER,
    "count": REPAIRABLE_ANSWER,
    "does not compile or run": MODEL_REPAIR_ANSWER,
}


def kind_of(request: GenerationRequest) -> str:
    """Which kind's system prompt the engine sent (each kind's prompt names its task)."""
    from assistant.knowledge import load_prompts

    system = request.messages[0].content
    for kind, prompt in load_prompts().kinds.items():
        if system.startswith(prompt.system[:200]):
            return kind
    return "ask"


class ScriptedBackend:
    """A backend that streams a canned answer in small chunks; `endless` streams words until cancelled."""

    name = "scripted"
    model = "script-1"

    def __init__(
        self,
        script: dict[str, str] | None = None,
        *,
        chunk: int = 6,
        delay: float = 0.0,
        endless: bool = False,
        hold: bool = False,
        fail: Exception | None = None,
    ) -> None:
        self.script = dict(SCRIPT if script is None else script)
        self.chunk = chunk
        self.delay = delay
        self.endless = endless
        self.hold = hold  # after the answer, keep the stream open until cancelled
        self.fail = fail
        self.requests: list[GenerationRequest] = []
        self.started = threading.Event()

    def info(self) -> BackendInfo:
        return BackendInfo(self.name, self.model, 4096)

    def close(self) -> None:
        pass

    def answer_for(self, request: GenerationRequest) -> str:
        last = request.messages[-1].content.lower()
        for word, answer in self.script.items():
            if word not in SCRIPT_KINDS and word in last:
                return answer
        return self.script.get(kind_of(request), ASK_ANSWER)

    def stream(self, request: GenerationRequest, cancel: CancelToken | None = None) -> Iterator[str]:
        self.requests.append(request)
        self.started.set()
        if self.fail is not None:
            raise self.fail
        cancel = cancel or CancelToken()
        if self.endless:
            n = 0
            while not cancel.cancelled:
                n += 1
                yield f"word{n} "
                cancel.wait(self.delay or 0.01)
            return
        text = self.answer_for(request)
        for start in range(0, len(text), self.chunk):
            if cancel.cancelled:
                return
            if self.delay:
                cancel.wait(self.delay)
            yield text[start : start + self.chunk]
        while self.hold and not cancel.cancelled:
            cancel.wait(0.02)


SCRIPT_KINDS = frozenset({"explain", "fix", "ask", "review", "write"})


async def wait_until(pilot: object, condition: Callable[[], bool], *, timeout: float = 30.0, step: float = 0.05) -> None:
    """Let the app run until `condition()` holds; fail the test after `timeout` seconds of waiting."""
    waited = 0.0
    while not condition():
        if waited >= timeout:
            raise AssertionError("the app did not reach the expected state in time")
        await pilot.pause(step)  # type: ignore[attr-defined]
        waited += step


async def ask(pilot: object, app: object, text: str, kind: str | None = None) -> object:
    """Type `text` in the input as `kind`, press Enter, wait for the reply; return the answer widget."""
    chat = app.chat  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: chat.services.engine is not None)
    if kind is not None:
        chat.action_set_kind(kind)
    before = answers(chat)
    chat.prompt.focus()
    chat.prompt.load_text(text)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: chat.job is None and answers(chat) > before)
    await pilot.pause()  # type: ignore[attr-defined]
    return chat.messages.last_answer()


def answers(chat: object) -> int:
    from assistant.app.widgets.messages import AssistantMessage

    return sum(isinstance(m, AssistantMessage) for m in chat.messages.messages)  # type: ignore[attr-defined]
