"""Chat templates for training: the serving template with ``{% generation %}`` markers, or a clear refusal.

trl's ``assistant_only_loss`` takes the loss only where the chat template marks assistant output with
``{% generation %}`` / ``{% endgeneration %}``. Base templates have no markers, so for each template
we know there is a training twin:

- our ChatML (``training.tiny_model.CHATML_TEMPLATE``, also the template of ``--init scratch``
  models): ``CHATML_TRAINING_TEMPLATE`` below;
- Qwen2.5 (and the other templates trl ships training variants for): trl's own twin;
- a template that already has markers: itself.

Anything else is refused with a message, never trained on the prompt by accident. Two properties are
then checked on a probe conversation before any step runs: the twin renders exactly the text the
serving template renders (so the model is trained on what it is served), and the end-of-turn token
(``<|im_end|>``) is inside the assistant mask (so the model learns to stop).

The serving template stays the tokenizer's template on disk, so the GGUF and the app use it; the
twin is only set on the tokenizer while the trainer prepares the data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

CHATML_TRAINING_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'assistant' %}"
    "{{ '<|im_start|>assistant\n' }}"
    "{% generation %}{{ message['content'] + '<|im_end|>' + '\n' }}{% endgeneration %}"
    "{% else %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# A conversation with every role and two rounds: the renderings of both templates must agree on it.
PROBE: list[dict[str, str]] = [
    {"role": "system", "content": "You are the Synoema assistant."},
    {"role": "user", "content": "Write a function that doubles a number."},
    {"role": "assistant", "content": "```sno\ndouble x = x * 2\nmain = double 21\n```\n```output\n42\n```"},
    {"role": "user", "content": "And triple?"},
    {"role": "assistant", "content": "`triple x = x * 3`"},
]


class TemplateError(ValueError):
    """The model's chat template cannot be trained with the loss on assistant tokens only."""


@dataclass(frozen=True)
class TrainingTemplate:
    """The serving template, its training twin, and where the twin came from."""

    serving: str
    training: str
    origin: str  # "chatml", "trl", "own markers"


def has_generation_markers(template: str) -> bool:
    return re.search(r"\{%-?\s*generation\s*-?%\}", template) is not None


def _serving_template(tokenizer: Any) -> str:
    template = tokenizer.chat_template
    if isinstance(template, dict):
        template = template.get("default")
    if not isinstance(template, str) or not template.strip():
        raise TemplateError(
            "the tokenizer has no chat template; add one (e.g. ChatML) to tokenizer_config.json or "
            "chat_template.jinja before training"
        )
    return template


def training_template(tokenizer: Any) -> TrainingTemplate:
    """The training twin of the tokenizer's chat template, checked; ``TemplateError`` if there is none."""
    from training.tiny_model import CHATML_TEMPLATE

    serving = _serving_template(tokenizer)
    if has_generation_markers(serving):
        found = TrainingTemplate(serving, serving, "own markers")
    elif serving == CHATML_TEMPLATE:
        found = TrainingTemplate(serving, CHATML_TRAINING_TEMPLATE, "chatml")
    else:
        from trl.chat_template_utils import get_training_chat_template

        try:
            twin = get_training_chat_template(tokenizer)
        except ValueError:
            raise TemplateError(
                "unknown chat template: there is no known variant with {% generation %} markers, so the "
                "loss cannot be limited to assistant tokens. Known: our ChatML, and the templates trl "
                "ships training variants for (Qwen2.5, Qwen3, Llama 3, Gemma, Phi-3, ...). Add "
                "{% generation %}...{% endgeneration %} around the assistant output and its end-of-turn "
                "token in the model's chat template, then train again."
            ) from None
        found = TrainingTemplate(serving, twin or serving, "trl")
    check_template(tokenizer, found)
    return found


def check_template(tokenizer: Any, template: TrainingTemplate) -> None:
    """Same text as the serving template, and the end-of-turn token inside the assistant mask."""
    from trl.chat_template_utils import is_chat_template_stop_token_trained

    served = tokenizer.apply_chat_template(PROBE, tokenize=False, chat_template=template.serving)
    trained = tokenizer.apply_chat_template(PROBE, tokenize=False, chat_template=template.training)
    if served != trained:
        raise TemplateError(
            "the training variant of the chat template renders a conversation differently from the "
            f"serving template ({template.origin}); the model would be trained on text it is never shown"
        )
    if not is_chat_template_stop_token_trained(tokenizer, chat_template=template.training):
        raise TemplateError(
            "the chat template leaves the assistant's end-of-turn token outside {% generation %}: a "
            "model trained on it never learns to stop. Move the end-of-turn token inside the markers."
        )
