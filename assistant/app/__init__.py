"""The Textual terminal app: chat with the assistant, see every snippet's verdict, validate code.

Only `run_app` lives here, and it imports the app lazily: `synoema-assistant --help` and the
plain REPL must not pay for Textual's import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.config import Config


def run_app(config: Config, *, problems: list[str] | None = None) -> int:
    """Open the terminal app on `config`; return the process exit code (0 on a normal quit).

    `problems` are config-loading messages to show as notifications once the app is up.
    """
    from assistant.app.main import run

    return run(config, problems=problems or [])


__all__ = ["run_app"]
