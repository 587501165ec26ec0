"""`synoema-assistant`: the terminal app, a plain REPL, one-shot answers, `doctor` and `history`.

Imports are lazy so a one-shot offline answer starts fast: only what the chosen command needs is
loaded (no Textual, prompt_toolkit or HTTP client for `explain FILE`), and when the command comes
first on the line only its own options are built. Settings come from the config file, then
`SYNOEMA_*` variables, then the global flags. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.kinds import CODE_KINDS, KINDS, Kind

CODE_KIND_NAMES = tuple(k.value for k in Kind if k in CODE_KINDS)
KIND_HELP = {
    "explain": "explain the code in FILE (- reads stdin)",
    "fix": "find and fix the problem in FILE's code",
    "review": "review the code in FILE",
    "ask": "answer a question (text, a FILE, or - for stdin)",
    "write": "write a program for a task (text, a FILE, or - for stdin)",
}
COMMAND_HELP = {
    "chat": "chat in the terminal app, or a plain REPL with --plain",
    **KIND_HELP,
    "doctor": "show which backends are usable, versions, and what is missing",
    "history": "list, search or export saved conversations",
}
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A user-facing failure: printed as one line, exit status 2."""


# --- arguments ------------------------------------------------------------------------------------------


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("settings (override the config file and SYNOEMA_* variables)")
    group.add_argument("--backend", default=default, help="offline, gguf, openai or hf")
    group.add_argument("--model", default=default, help="model name sent to the server (openai)")
    group.add_argument(
        "--base-url", default=default, help="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1"
    )
    group.add_argument("--model-path", default=default, help="GGUF file (gguf) or model directory (hf)")
    group.add_argument(
        "--config", default=default, type=Path, help="config file to read instead of the default"
    )
    group.add_argument(
        "--grammar",
        default=default,
        metavar="builtin|FILE",
        help="constrain code in write mode and repair rounds with a GBNF program grammar",
    )


def _terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`, without importing shutil (and bz2, lzma) at start-up."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's own formatter at the width it would choose (it builds one per option added)."""
    return argparse.HelpFormatter(prog, width=_terminal_columns() - 2)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `only`, the other commands are listed but get no options.

    `main` passes `only` when the command is the first word, so parsing cannot reach another
    command's parser: building ~100 options it will not use is most of argparse's start-up cost.
    """
    parser = argparse.ArgumentParser(
        prog="synoema-assistant",
        description="Explain, fix, answer, review and write Synoema; every snippet is compiled live.",
        formatter_class=_formatter,
    )
    _global_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help in COMMAND_HELP.items():
        p = sub.add_parser(name, help=help, description=help, formatter_class=_formatter)
        if only is None or only == name:
            _global_options(p, suppress=True)
            _COMMAND_OPTIONS[name](p)
    return parser


def _chat_options(chat: argparse.ArgumentParser) -> None:
    chat.add_argument("--plain", action="store_true", help="prompt-toolkit REPL instead of the terminal app")
    chat.add_argument("--kind", choices=KINDS, default="ask", help="kind of the first message (default: ask)")
    chat.add_argument("--conversation", type=int, help="continue this conversation (see `history list`)")


def _kind_options(kind: str) -> Callable[[argparse.ArgumentParser], None]:
    def add(p: argparse.ArgumentParser) -> None:
        p.add_argument("source", nargs="?", metavar="FILE|-" if kind in CODE_KIND_NAMES else "TEXT|FILE|-")
        if kind in CODE_KIND_NAMES:
            p.add_argument("-m", "--message", default="", help="what to ask about the code")
        p.add_argument(
            "--json", action="store_true", help="print JSON with the text and a verdict per snippet"
        )
        p.add_argument("--no-history", action="store_true", help="do not save this exchange in the history")

    return add


def _doctor_options(doctor: argparse.ArgumentParser) -> None:
    doctor.add_argument("--json", action="store_true")
    doctor.add_argument("--no-probe", action="store_true", help="do not contact a configured server")


def _history_options(history: argparse.ArgumentParser) -> None:
    hsub = history.add_subparsers(dest="history_command", metavar="ACTION")
    hl = hsub.add_parser("list", help="recent conversations", formatter_class=_formatter)
    hl.add_argument("--limit", type=int, default=20)
    hl.add_argument("--all", action="store_true", help="include archived conversations")
    hl.add_argument("--json", action="store_true")
    hs = hsub.add_parser(
        "search", help="conversations containing every word of QUERY", formatter_class=_formatter
    )
    hs.add_argument("query", nargs="+")
    hs.add_argument("--limit", type=int, default=20)
    hs.add_argument("--json", action="store_true")
    he = hsub.add_parser("export", help="one conversation as Markdown or JSON", formatter_class=_formatter)
    he.add_argument("id", type=int)
    he.add_argument("--format", choices=("markdown", "json"), default="markdown")
    he.add_argument("-o", "--output", type=Path, help="write to this file (atomically) instead of stdout")


_COMMAND_OPTIONS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "chat": _chat_options,
    **{kind: _kind_options(kind) for kind in KIND_HELP},
    "doctor": _doctor_options,
    "history": _history_options,
}


def load_settings(ns: argparse.Namespace) -> tuple[Any, list[str], Path]:
    """(config, problems, config file path) with flags applied over file and environment."""
    from assistant import paths
    from assistant.config import load_config

    path = getattr(ns, "config", None) or paths.config_file()
    overrides = {
        "backend.kind": getattr(ns, "backend", None),
        "backend.model": getattr(ns, "model", None),  # options of the kind in effect
        "backend.base_url": getattr(ns, "base_url", None),
        "backend.model_path": getattr(ns, "model_path", None),
        "engine.grammar": getattr(ns, "grammar", None),
    }
    config, problems = load_config(path=Path(path), overrides=overrides)
    return config, problems, Path(path)


def make_engine(config: Any, *, history: bool = True, one_shot: bool = False) -> Any:
    """The engine for a command. Snippets (untrusted: pasted code, model output) are always checked
    and run in sandbox worker processes; a one-shot command starts them while it reads its input."""
    from assistant.engine.core import Engine
    from assistant.engine.sources import grammars_for

    try:
        grammars = grammars_for(config)
    except OSError as exc:
        raise CliError(f"cannot read the grammar {config.engine.grammar}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if one_shot:
        _warm_sandbox()
    return Engine(config, history=None if history else False, grammars=grammars, isolate=True)


def _warm_sandbox() -> None:
    import threading

    def warm() -> None:
        try:
            from synoema.sandbox import get_pool

            get_pool().warm(1)
        except Exception:  # no workers here: checks fall back and say so
            return

    threading.Thread(target=warm, name="synoema-warm", daemon=True).start()


# --- one-shot answers -----------------------------------------------------------------------------------


def _read_source(source: str | None, *, code_kind: bool) -> str:
    if source is None or source == "-":
        if source is None and sys.stdin.isatty():
            what = "a FILE (or - for stdin)" if code_kind else "the text, a FILE, or - for stdin"
            raise CliError(f"nothing to answer: give {what}")
        return sys.stdin.read()
    path = Path(source)
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"cannot read {source}: {exc}") from None
    if code_kind:
        raise CliError(f"no such file: {source}")
    return source


def reply_json(reply: Any) -> dict[str, Any]:
    """A reply as JSON: the text, each block's whole verdict (`Verdict.as_dict`), stats and ids."""
    from dataclasses import asdict

    return {
        "kind": reply.kind.value,
        "text": reply.text,
        "verdicts": [v.as_dict() for v in reply.verdicts],
        "backend": reply.backend,
        "model": reply.model,
        "stats": asdict(reply.stats) | {"tokens_per_second": reply.stats.tokens_per_second},
        "cancelled": reply.cancelled,
        "error": reply.error,
        "error_hint": reply.error_hint,
        "conversation_id": reply.conversation_id,
        "message_id": reply.message_id,
    }


def cmd_answer(ns: argparse.Namespace) -> int:
    config, problems, _ = load_settings(ns)
    _warn(problems)
    kind = ns.command
    code_kind = kind in CODE_KIND_NAMES
    body = _read_source(ns.source, code_kind=code_kind)
    if not body.strip():
        raise CliError("the input is empty")
    engine = make_engine(config, history=not ns.no_history, one_shot=True)
    try:
        if code_kind:
            reply = engine.respond(ns.message, kind, code=body)
        else:
            reply = engine.respond(body, kind)
    finally:
        engine.close()
    if ns.json:
        import json

        print(json.dumps(reply_json(reply), ensure_ascii=False, indent=2))
    else:
        from assistant.verdict import render_with_verdicts

        if reply.text:
            print(render_with_verdicts(reply.text, reply.verdicts).rstrip("\n"))
    if reply.error:
        _error(reply.error, reply.error_hint)
        return EXIT_FAILED
    return EXIT_OK


# --- doctor and history -----------------------------------------------------------------------------------


def cmd_doctor(ns: argparse.Namespace) -> int:
    from assistant.engine.doctor import diagnose

    config, problems, path = load_settings(ns)
    report = diagnose(config, path, problems, probe=not ns.no_probe)
    if ns.json:
        import json

        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(report.render())
    return EXIT_OK if report.backend_ok else EXIT_FAILED


def _open_history(config: Any) -> Any:
    from assistant.history import HistoryError, HistoryStore

    try:
        return HistoryStore(config.history_path())
    except HistoryError as exc:
        raise CliError(str(exc)) from None


def cmd_history(ns: argparse.Namespace) -> int:
    import json
    from datetime import datetime

    from assistant.history import HistoryError

    action = getattr(ns, "history_command", None)
    if action is None:
        raise CliError("history needs an action: list, search or export")
    config, problems, _ = load_settings(ns)
    _warn(problems)
    store = _open_history(config)
    try:
        if action == "list":
            rows = store.list_conversations(archived=None if ns.all else False, limit=max(0, ns.limit))
            if ns.json:
                print(json.dumps([_conversation_dict(c) for c in rows], ensure_ascii=False, indent=2))
            for c in [] if ns.json else rows:
                when = datetime.fromtimestamp(c.updated).strftime("%Y-%m-%d %H:%M")
                print(f"{c.id:>5}  {when}  {c.kind:<8} {c.message_count:>3} msgs  {c.title or '(untitled)'}")
        elif action == "search":
            hits = store.search(" ".join(ns.query), limit=max(0, ns.limit))
            if ns.json:
                print(json.dumps([_hit_dict(h) for h in hits], ensure_ascii=False, indent=2))
            for h in [] if ns.json else hits:
                print(f"{h.conversation.id:>5}  {h.conversation.title or '(untitled)'}\n       {h.snippet}")
        else:
            text = _export(store, ns.id, ns.format)
            if ns.output is not None:
                from synoema.durable import write_atomic

                try:
                    write_atomic(ns.output, text)
                except OSError as exc:
                    raise CliError(f"cannot write {ns.output}: {exc.strerror or exc}") from None
                print(f"wrote {ns.output}")
            else:
                sys.stdout.write(text)
    except HistoryError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    return EXIT_OK


def _conversation_dict(c: Any) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "kind": c.kind,
        "created": c.created,
        "updated": c.updated,
        "archived": c.archived,
        "messages": c.message_count,
    }


def _hit_dict(h: Any) -> dict[str, Any]:
    return {
        "conversation": _conversation_dict(h.conversation),
        "snippet": h.snippet,
        "message_id": h.message_id,
    }


def _export(store: Any, conversation_id: int, fmt: str) -> str:
    import json
    from dataclasses import asdict

    from assistant.history import HistoryError

    conversation = store.get_conversation(conversation_id)
    if conversation is None:
        raise HistoryError(f"conversation {conversation_id} does not exist (see `history list`)")
    if fmt == "markdown":
        return store.export_markdown(conversation_id)
    messages = [asdict(m) | {"verdicts": [v.as_dict() for v in m.verdicts]} for m in store.get_messages(conversation_id)]
    return (
        json.dumps(
            {"conversation": _conversation_dict(conversation), "messages": messages},
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


# --- interactive ------------------------------------------------------------------------------------------


def cmd_chat(ns: argparse.Namespace) -> int:
    config, problems, _ = load_settings(ns)
    if not getattr(ns, "plain", False):
        from assistant.app import run_app

        return run_app(config, problems=list(problems))
    _warn(problems)
    from assistant.repl import run_repl

    engine = make_engine(config)
    try:
        return run_repl(
            engine, kind=getattr(ns, "kind", "ask"), conversation_id=getattr(ns, "conversation", None)
        )
    finally:
        engine.close()


# --- entry point ------------------------------------------------------------------------------------------


def _warn(problems: Sequence[str]) -> None:
    for problem in problems:
        print(f"config: {problem}", file=sys.stderr)


def _error(message: str, hint: str | None = None) -> None:
    print(f"error: {message}", file=sys.stderr)
    if hint:
        print(f"hint: {hint}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args[0] if args and args[0] in COMMAND_HELP else None)
    ns = parser.parse_args(args)
    handlers = {"chat": cmd_chat, "doctor": cmd_doctor, "history": cmd_history, None: cmd_chat}
    handler = handlers.get(ns.command, cmd_answer)
    try:
        return handler(ns)
    except CliError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # last line of defence: a message, never a traceback
        import logging

        logging.getLogger("assistant.cli").debug("command failed", exc_info=True)
        _error(f"{type(exc).__name__}: {exc}", "This is a bug in synoema-assistant; please report it.")
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
