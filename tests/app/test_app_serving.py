"""Pilot tests of serving settings in the app: `--grammar` constrains write requests, and the footer
after Esc says "cancelled" once with the tokens the backend really generated."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from app_support import ScriptedBackend, ask, wait_until

from assistant.backends.base import CancelToken, GenerationRequest, Usage

pytestmark = pytest.mark.anyio
SIZE = (120, 44)


async def test_grammar_flag_constrains_write_requests_in_the_app(make_app, user_dirs) -> None:
    from assistant.cli import build_parser, load_settings

    config, problems, _ = load_settings(build_parser().parse_args(["chat", "--grammar", "builtin"]))
    assert not problems and config.engine.grammar == "builtin"
    backend = ScriptedBackend()
    app = make_app(backend, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, app, "squares of 1 to 5", "write")
        await ask(pilot, app, "how do I reverse a list?", "ask")
    write, question = backend.requests[0], backend.requests[-1]
    assert write.grammar is not None and write.grammar.startswith('root ::= "```sno\\n" program')
    assert question.grammar is None  # only write requests and repair rounds are constrained


class CountingBackend(ScriptedBackend):
    """Streams words until cancelled and reports three tokens per chunk, as a real model might."""

    def __init__(self) -> None:
        super().__init__(endless=True, delay=0.005)
        self.last_usage: Usage | None = None

    def stream(self, request: GenerationRequest, cancel: CancelToken | None = None) -> Iterator[str]:
        chunks = 0
        try:
            for chunk in super().stream(request, cancel):
                chunks += 1
                yield chunk
        finally:
            self.last_usage = Usage(10, 3 * chunks)


async def test_footer_after_escape_has_one_cancelled_and_real_tokens(make_app) -> None:
    backend = CountingBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        chat = app.chat
        await wait_until(pilot, lambda: chat.services.engine is not None)
        chat.prompt.load_text("tell me everything")
        await pilot.press("enter")
        await wait_until(pilot, lambda: chat.job is not None and len(chat.job.answer.text) > 60)
        answer = chat.job.answer
        await pilot.press("escape")
        await wait_until(pilot, lambda: chat.job is None and answer.reply is not None)
        await pilot.pause()
        footer = answer._footer.render().plain
        usage = backend.last_usage
        assert usage is not None and usage.completion_tokens > 0
        assert answer.reply.stats.tokens == usage.completion_tokens  # the backend's count, not chunks shown
        assert footer.count("cancelled") == 1
        assert f"{usage.completion_tokens} tokens" in footer
