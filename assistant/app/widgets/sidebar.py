"""Conversation history: a search box over a list of conversations, with rename, delete, archive.

Reads the SQLite history directly (queries take milliseconds); failures become notifications.
The sidebar owns its edits and tells the chat screen what happened with messages.
"""

from __future__ import annotations

import time
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from assistant.app.keys import SIDEBAR_KEYS, bindings
from assistant.app.screens.dialogs import Confirm, TextPrompt
from assistant.history import Conversation, HistoryError, HistoryStore, SearchHit


def when(timestamp: float, now: float | None = None) -> str:
    """Short relative date for the list: 14:05, yesterday, Mon, 2026-03-01."""
    now = time.time() if now is None else now
    then = datetime.fromtimestamp(timestamp)
    today = datetime.fromtimestamp(now).date()
    days = (today - then.date()).days
    if days <= 0:
        return then.strftime("%H:%M")
    if days == 1:
        return "yesterday"
    if days < 7:
        return then.strftime("%a")
    return then.strftime("%Y-%m-%d")


def option_for(conversation: Conversation, snippet: str | None = None, *, current: bool = False) -> Option:
    title = conversation.title or "Untitled"
    mark = "● " if current else ""
    line1 = Content.styled(f"{mark}{title}", "bold")
    extra = "archived · " if conversation.archived else ""
    detail = snippet if snippet else f"{extra}{conversation.kind} · {conversation.message_count} msgs · {when(conversation.updated)}"
    line2 = Content.styled(detail, "$text-muted")
    return Option(Content("\n").join([line1, line2]), id=str(conversation.id))


class ConversationList(OptionList):
    """The list itself; its keys act on the highlighted conversation."""

    BINDINGS = bindings(SIDEBAR_KEYS)

    def _sidebar(self) -> Sidebar:
        return self.query_ancestor(Sidebar)

    def action_open(self) -> None:
        self.action_select()

    def action_rename(self) -> None:
        self._sidebar().rename_highlighted()

    def action_delete(self) -> None:
        self._sidebar().delete_highlighted()

    def action_archive(self) -> None:
        self._sidebar().archive_highlighted()

    def action_toggle_archived(self) -> None:
        self._sidebar().show_archived = not self._sidebar().show_archived


class Sidebar(Vertical):
    """History sidebar; `current_id` marks the open conversation."""

    DEFAULT_CSS = """
    Sidebar { width: 34; dock: left; border-right: vkey $primary 30%; padding: 0 0; }
    Sidebar.-hidden { display: none; }
    Sidebar > Label { padding: 0 1; color: $text-muted; }
    Sidebar > #sidebar-title { text-style: bold; color: $text-accent; }
    Sidebar > #sidebar-keys { height: 2; }
    Sidebar > Input { margin: 0 0; border: round $primary 40%; }
    Sidebar > ConversationList { height: 1fr; border: none; }
    """

    show_archived: reactive[bool] = reactive(False)
    current_id: reactive[int | None] = reactive(None)

    class Open(Message):
        def __init__(self, conversation_id: int) -> None:
            super().__init__()
            self.conversation_id = conversation_id

    class Deleted(Message):
        def __init__(self, conversation_id: int) -> None:
            super().__init__()
            self.conversation_id = conversation_id

    def __init__(self, store: HistoryStore | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.query_text = ""
        self.conversations: list[Conversation] = []

    def compose(self) -> ComposeResult:
        yield Label("History", id="sidebar-title")
        yield Input(placeholder="Search history…", id="history-search")
        yield ConversationList(id="conversations")
        yield Label("r rename · d delete · a archive\nctrl+a archived · ctrl+b hide", id="sidebar-keys")

    def on_mount(self) -> None:
        self.reload()

    @property
    def list(self) -> ConversationList:
        return self.query_one(ConversationList)

    def watch_show_archived(self) -> None:
        if self.is_mounted:
            self.query_one("#sidebar-title", Label).update(
                "Archived conversations" if self.show_archived else "History"
            )
            self.reload()

    def watch_current_id(self) -> None:
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        """Re-read the list (or the search results) and keep the highlight where it was."""
        if self.store is None:
            self.list.clear_options()
            self.list.add_option(Option("history unavailable", disabled=True))
            return
        try:
            hits: list[SearchHit] | None = None
            if self.query_text.strip():
                hits = self.store.search(self.query_text, archived=self.show_archived, limit=50)
                self.conversations = [h.conversation for h in hits]
            else:
                self.conversations = self.store.list_conversations(archived=self.show_archived, limit=200)
        except HistoryError as exc:
            self.notify(f"History: {exc}", severity="error")
            return
        listing = self.list
        highlighted = listing.highlighted_option.id if listing.highlighted_option else None
        listing.clear_options()
        snippets = {h.conversation.id: h.snippet for h in hits} if hits is not None else {}
        for conversation in self.conversations:
            listing.add_option(
                option_for(conversation, snippets.get(conversation.id), current=conversation.id == self.current_id)
            )
        if not self.conversations:
            if self.query_text.strip():
                empty = f"no conversation matches “{self.query_text.strip()}”"
            else:
                empty = "nothing archived" if self.show_archived else "no conversations yet"
            listing.add_option(Option(Content.styled(empty, "$text-muted"), disabled=True))
            return
        ids = [str(c.id) for c in self.conversations]
        listing.highlighted = ids.index(highlighted) if highlighted in ids else 0  # a row stays highlighted

    def search(self, text: str) -> bool:
        """Show the conversations matching `text`; False when none does."""
        self.query_one("#history-search", Input).value = text
        self.query_text = text
        self.reload()
        return bool(self.conversations)

    @on(Input.Changed, "#history-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_text = event.value
        self.reload()

    @on(Input.Submitted, "#history-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.list.focus()
        if self.conversations and self.list.highlighted is None:
            self.list.highlighted = 0

    @on(OptionList.OptionSelected, "#conversations")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Open(int(event.option.id)))

    def _highlighted(self) -> Conversation | None:
        option = self.list.highlighted_option
        if option is None or option.id is None:
            return None
        return next((c for c in self.conversations if c.id == int(option.id)), None)

    def rename_highlighted(self) -> None:
        conversation = self._highlighted()
        if conversation is None or self.store is None:
            return
        store = self.store

        def done(title: str | None) -> None:
            if title is None or not title.strip():
                return
            try:
                store.rename_conversation(conversation.id, title.strip())
            except HistoryError as exc:
                self.notify(f"Could not rename: {exc}", severity="error")
                return
            self.reload()

        self.app.push_screen(TextPrompt("Rename conversation", conversation.title), done)

    def delete_highlighted(self) -> None:
        conversation = self._highlighted()
        if conversation is None or self.store is None:
            return
        store = self.store

        def done(yes: bool | None) -> None:
            if not yes:
                return
            try:
                store.delete_conversation(conversation.id)
            except HistoryError as exc:
                self.notify(f"Could not delete: {exc}", severity="error")
                return
            self.notify(f"Deleted “{conversation.title or 'Untitled'}”")
            self.post_message(self.Deleted(conversation.id))
            self.reload()

        self.app.push_screen(Confirm(f"Delete “{conversation.title or 'Untitled'}” and its messages?", "Delete"), done)

    def archive_highlighted(self) -> None:
        conversation = self._highlighted()
        if conversation is None or self.store is None:
            return
        try:
            self.store.archive_conversation(conversation.id, not conversation.archived)
        except HistoryError as exc:
            self.notify(f"Could not archive: {exc}", severity="error")
            return
        self.notify(("Unarchived" if conversation.archived else "Archived") + f" “{conversation.title or 'Untitled'}”")
        self.reload()
