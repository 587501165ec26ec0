"""`synoema-assistant chat --plain`: a prompt-toolkit REPL over the engine.

Enter sends; Alt+Enter (or Esc then Enter) adds a line, and so does Enter inside an open ``` fence,
so pasted programs arrive whole. Replies stream as they are generated, with a verdict line under
every code block as soon as it is checked. Ctrl+C cancels a reply; Ctrl+D leaves.
"""

from __future__ import annotations

import shlex
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from assistant.engine.types import Done, Event, Failed, RepairRound, SnippetChecked, TextChunk
from assistant.kinds import KINDS
from synoema.snippets import block_count

HELP = """Commands:
  /explain /fix /ask /review /write [TEXT]  set the kind (and send TEXT with it)
  /kind [KIND]                              show or set the kind of the next messages
  /model                                    show the backend; /model offline | gguf FILE |
                                            openai URL [MODEL] | hf DIR switches it
  /history [list | search WORDS | open ID]  saved conversations; open one to continue it
  /new                                      start a new conversation
  /check CODE                               check a snippet without asking anything
  /help, /quit
Enter sends; Alt+Enter or Esc Enter adds a line; inside a ``` fence Enter adds a line too.
Ctrl+C cancels a reply, Ctrl+D quits."""


def open_fence(text: str) -> bool:
    """Whether `text` has a ``` fence that is not closed yet (Enter then adds a line)."""
    count = sum(1 for line in text.splitlines() if line.lstrip().startswith("```"))
    return count % 2 == 1


@dataclass
class ReplState:
    kind: str = "ask"
    conversation_id: int | None = None
    running: bool = True
    printed: set[int] = field(default_factory=set)


class Printer:
    """Writes streamed events to the terminal, keeping verdict lines on lines of their own.

    Blocks are numbered across the conversation: `base` counts the blocks of earlier messages.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.at_line_start = True
        self.base = 0

    def write(self, text: str) -> None:
        if not text:
            return
        self.out.write(text)
        self.out.flush()
        self.at_line_start = text.endswith("\n")

    def line(self, text: str) -> None:
        if not self.at_line_start:
            self.write("\n")
        self.write(text + "\n")

    def user(self, text: str) -> None:
        """The user's message is sent: its blocks take the next numbers."""
        self.base += block_count(text)

    def event(self, event: Event) -> None:
        if isinstance(event, TextChunk):
            self.write(event.text)
        elif isinstance(event, SnippetChecked):
            v = event.verdict
            head, *rest = v.describe().lines()
            self.line(f"  » [{self.base + v.index + 1}] {head}")
            for text in rest:
                self.line(f"  » {text}")
        elif isinstance(event, RepairRound):
            first = next((d for d in event.diagnostics if d.is_error), None)
            why = f": {first.code} {first.message}" if first else ""
            number = self.base + event.snippet_index + 1
            self.line(f"  » asking the model again (round {event.round}) about block [{number}]{why}")
        elif isinstance(event, Failed):
            self.line(f"error: {event.message}")
            if event.hint:
                self.line(f"hint: {event.hint}")
        elif isinstance(event, Done):
            self.done(event.reply)

    def done(self, reply: Any) -> None:
        from synoema.fences import program_block

        if reply.cancelled:
            self.line("  » cancelled")
        for v in reply.verdicts:
            if v.repaired and not v.quoted:
                self.line(f"  » block [{self.base + v.index + 1}], repaired:")
                self.write(program_block(v.code, v.stdout if v.wants_output_block else None) + "\n")
        self.base += block_count(reply.text)
        label = f"{reply.backend}" + (f"/{reply.model}" if reply.model else "")
        self.line(f"  · {label} · {reply.stats.summary()}")


def _completer() -> Any:
    from prompt_toolkit.completion import NestedCompleter, PathCompleter

    kinds = dict.fromkeys(KINDS)
    return NestedCompleter.from_nested_dict(
        {
            **{f"/{k}": None for k in KINDS},
            "/kind": kinds,
            "/model": {"offline": None, "gguf": PathCompleter(), "openai": None, "hf": PathCompleter()},
            "/history": {"list": None, "search": None, "open": None},
            "/new": None,
            "/check": None,
            "/help": None,
            "/quit": None,
        }
    )


def _key_bindings() -> Any:
    from prompt_toolkit.application.current import get_app
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.key_binding import KeyBindings

    kb = KeyBindings()

    @kb.add("escape", "enter")
    def _newline(event: Any) -> None:
        event.current_buffer.insert_text("\n")

    @Condition
    def in_fence() -> bool:
        return open_fence(get_app().current_buffer.text)

    @kb.add("enter", filter=in_fence)
    def _fence_newline(event: Any) -> None:
        event.current_buffer.insert_text("\n")

    return kb


def _history() -> Any:
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    from assistant import paths

    try:
        folder = paths.ensure_dir(paths.data_dir())
        return FileHistory(str(folder / "repl_history"))
    except OSError:
        return InMemoryHistory()


def make_session(input: Any = None, output: Any = None) -> Any:
    from prompt_toolkit import PromptSession

    return PromptSession(
        history=_history(),
        completer=_completer(),
        complete_while_typing=False,
        key_bindings=_key_bindings(),
        input=input,
        output=output,
    )


def run_repl(
    engine: Any,
    *,
    kind: str = "ask",
    conversation_id: int | None = None,
    input: Any = None,
    output: Any = None,
    out: TextIO | None = None,
) -> int:
    """Read messages until EOF or /quit; `input`/`output` are prompt_toolkit's (tests pass pipes)."""
    printer = Printer(out or sys.stdout)
    state = ReplState(kind=kind if kind in KINDS else "ask", conversation_id=conversation_id)
    session = make_session(input, output)
    printer.line(f"Synoema assistant · {engine.backend_info.summary()} · /help for commands")
    for problem in engine.problems:
        printer.line(f"note: {problem}")
    while state.running:
        try:
            text = session.prompt(f"{state.kind}> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        text = text.strip("\n")
        if not text.strip():
            continue
        try:
            if text.startswith("/"):
                command(engine, state, printer, text)
            else:
                send(engine, state, printer, text)
        except Exception as exc:  # a bug in one command must not end the session
            printer.line(f"error: {type(exc).__name__}: {exc}")
    return 0


def send(engine: Any, state: ReplState, printer: Printer, text: str) -> None:
    """Ask the engine in a worker thread, streaming to the terminal; Ctrl+C cancels."""
    from assistant.backends.base import CancelToken

    cancel = CancelToken()
    result: dict[str, Any] = {}

    def work() -> None:
        result["reply"] = engine.respond(
            text, state.kind, conversation_id=state.conversation_id, on_event=printer.event, cancel=cancel
        )

    printer.user(text)
    worker = threading.Thread(target=work, name="synoema-reply", daemon=True)
    worker.start()
    while worker.is_alive():
        try:
            worker.join(0.1)
        except KeyboardInterrupt:
            cancel.cancel()
    reply = result.get("reply")
    if reply is not None and reply.conversation_id is not None:
        state.conversation_id = reply.conversation_id


def command(engine: Any, state: ReplState, printer: Printer, text: str) -> None:
    name, _, rest = text.partition(" ")
    name = name.lower()
    rest = rest.strip()
    handlers: dict[str, Callable[[Any, ReplState, Printer, str], None]] = {
        "/kind": _kind,
        "/model": _model,
        "/history": _history_command,
        "/new": _new,
        "/check": _check,
        "/help": lambda e, s, p, r: p.line(HELP),
        "/quit": _quit,
        "/exit": _quit,
    }
    if name[1:] in KINDS:
        state.kind = name[1:]
        if rest:
            send(engine, state, printer, rest)
        else:
            printer.line(f"kind: {state.kind}")
        return
    handler = handlers.get(name)
    if handler is None:
        printer.line(f"unknown command {name}; /help lists them")
        return
    handler(engine, state, printer, rest)


def _kind(engine: Any, state: ReplState, printer: Printer, rest: str) -> None:
    if rest:
        if rest not in KINDS:
            printer.line(f"unknown kind {rest!r}; use one of {', '.join(KINDS)}")
            return
        state.kind = rest
    printer.line(f"kind: {state.kind}")


def _model(engine: Any, state: ReplState, printer: Printer, rest: str) -> None:
    if not rest:
        info = engine.backend_info
        printer.line(info.summary())
        for key, value in info.details.items():
            printer.line(f"  {key}: {value}")
        return
    try:
        words = shlex.split(rest)
    except ValueError as exc:
        printer.line(f"cannot read that: {exc}")
        return
    from assistant.backends.registry import available_backends

    kinds = ["offline", *available_backends()]
    kind, args = words[0], words[1:]
    if kind not in kinds:
        printer.line(f"unknown backend {kind!r}; use one of {', '.join(kinds)}")
        return
    changes: dict[str, Any] = {}
    if kind in ("gguf", "hf"):
        if not args:
            printer.line(f"/model {kind} needs a path")
            return
        changes["model_path"] = args[0]
    elif kind == "openai":
        if not args:
            printer.line("/model openai needs a base URL, e.g. http://127.0.0.1:8080/v1")
            return
        changes["base_url"] = args[0]
        changes["model"] = args[1] if len(args) > 1 else None
    try:
        options = engine.config.backend.options_for(kind).merged(changes)
        info = engine.switch_backend(kind, options)
    except Exception as exc:  # BackendConfigError and friends carry a readable message
        printer.line(f"error: {exc}")
        return
    printer.line(f"now using {info.summary()}")
    if "error" in info.details:
        printer.line(f"error: {info.details['error']}")
        if info.details.get("hint"):
            printer.line(f"hint: {info.details['hint']}")


def _history_command(engine: Any, state: ReplState, printer: Printer, rest: str) -> None:
    store = engine.history
    if store is None:
        printer.line("history is off")
        return
    action, _, arg = rest.partition(" ")
    action = action or "list"
    if action == "list":
        for c in store.list_conversations(limit=10):
            printer.line(f"{c.id:>5}  {c.kind:<8} {c.message_count:>3} msgs  {c.title or '(untitled)'}")
    elif action == "search":
        for h in store.search(arg, limit=10) if arg.strip() else []:
            printer.line(f"{h.conversation.id:>5}  {h.conversation.title or '(untitled)'}: {h.snippet}")
    elif action == "open":
        try:
            cid = int(arg)
        except ValueError:
            printer.line("/history open needs a conversation id")
            return
        turns = engine.messages(cid)
        if not turns:
            printer.line(f"conversation {cid} is empty or does not exist")
            return
        state.conversation_id = cid
        for turn in turns[-6:]:
            first = turn.content.strip().splitlines()[0] if turn.content.strip() else ""
            printer.line(f"  {turn.role}: {first[:100]}")
        printer.line(f"continuing conversation {cid}")
    else:
        printer.line("use /history list, /history search WORDS or /history open ID")


def _new(engine: Any, state: ReplState, printer: Printer, rest: str) -> None:
    state.conversation_id = None
    printer.base = 0
    printer.line("new conversation")


def _check(engine: Any, state: ReplState, printer: Printer, rest: str) -> None:
    if not rest:
        printer.line("/check needs code, e.g. /check map (\\x -> x * 2) [1 2 3]")
        return
    for text in engine.check_snippet(rest).describe().lines():
        printer.line(f"  » {text}")


def _quit(engine: Any, state: ReplState, printer: Printer, rest: str) -> None:
    state.running = False
