"""Helpers of the evaluation tests: which task a request is about, and canned replies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openai_stub import program_reply

from evaluation.tasks import Task, TaskSet


def task_of(body: dict[str, Any], tasks: TaskSet) -> Task:
    """The task a request is about: the user message that is exactly a task's prompt."""
    by_prompt = {t.prompt.strip(): t for t in tasks}
    for message in body.get("messages", []):
        if message.get("role") == "user" and message["content"].strip() in by_prompt:
            return by_prompt[message["content"].strip()]
    raise AssertionError("no task prompt in the request")


def answering(tasks: TaskSet, reply: Callable[[Task, dict[str, Any]], str]) -> Callable[[dict[str, Any]], str]:
    return lambda body: reply(task_of(body, tasks), body)


def solutions(tasks: TaskSet) -> Callable[[dict[str, Any]], str]:
    """Every request (first answer or repair round) gets the task's reference solution."""
    return answering(tasks, lambda task, _: program_reply(task.solution))
