"""Messages that workers and screens post: the engine's start-up, a reply's end, requests for the app.

Workers run in threads and never touch widgets; they post one of these (`post_message` is
thread-safe) and the screen that receives it updates the UI. Screens ask the app for app-wide
things (the validate screen, a theme) the same way, so no screen imports the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from assistant.backends.base import BackendInfo
    from assistant.engine.types import Reply
    from assistant.verdict import Verdict


class EngineReady(Message):
    """The engine is built (`info`: the backend answering); `notices` are problems met on the way."""

    def __init__(self, info: BackendInfo, notices: list[tuple[str, str | None, str]]) -> None:
        super().__init__()
        self.info = info
        self.notices = notices


class EngineFailed(Message):
    """No engine could be built; the message says why and the hint what to do."""

    def __init__(self, message: str, hint: str | None) -> None:
        super().__init__()
        self.message = message
        self.hint = hint


class ReplyFinished(Message):
    """The engine returned `reply` for the job `job_id`."""

    def __init__(self, job_id: int, reply: Reply) -> None:
        super().__init__()
        self.job_id = job_id
        self.reply = reply


class ReplyFailed(Message):
    """The reply worker failed before the engine could answer."""

    def __init__(self, job_id: int, message: str, hint: str | None) -> None:
        super().__init__()
        self.job_id = job_id
        self.message = message
        self.hint = hint


class Rechecked(Message):
    """A block's check was run again (`r` on the block, `/rerun N`)."""

    def __init__(self, number: int, verdict: Verdict) -> None:
        super().__init__()
        self.number = number
        self.verdict = verdict


class OpenValidate(Message):
    """Open the validate screen on `code` (empty: as it is)."""

    def __init__(self, code: str = "") -> None:
        super().__init__()
        self.code = code


class ThemeRequested(Message):
    """Switch to the theme `name` (empty: open the theme picker)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class SendToChat(Message):
    """Send `text` as `kind` in the chat (the validate screen's Ctrl+S)."""

    def __init__(self, text: str, kind: str) -> None:
        super().__init__()
        self.text = text
        self.kind = kind
