"""Saving under a record another copy deleted: offer to bring it back, then save.

A form that gets :class:`MissingParentError` from a save keeps what was typed, says in
words what happened (the deleted record by its title, who deleted it and when) and, if
the record can come back from its history, asks "Restore it and save your cycle?". Yes
saves again inside :func:`restoring`: the deleted owner (and its deleted owners, and the
record itself if it went with them) come back through ``store.versions`` and the save
lands in the same write, so either all of it is saved or none.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from textual.screen import Screen

from pdsa_tui.model import Record
from pdsa_tui.model.registry import noun
from pdsa_tui.store import MissingParentError, Store
from pdsa_tui.store.naming import doc_title


def restore_question(store: Store, record: Record, exc: MissingParentError) -> str:
    """ "Change idea 'X' was deleted by Sam on 04/12/2026. Restore it and save your cycle?"."""
    chain = store.versions.deleted_owners(record.id)
    itself = bool(chain)
    if not chain:
        chain = store.versions.deleted_owners(exc.parent_id)
    if exc.itself:
        return f"{exc.what_happened()}. Restore it and save your changes?"
    lines = [f"{exc.what_happened()}. Restore it and save your {exc.noun}?"]
    named = {exc.parent_id, record.id}
    for table, doc in (item for item in chain if str(item[1].get("id")) not in named):
        lines.append(
            f"Its {noun(table)} '{doc_title(doc)}' was deleted too: it comes back as well."
        )
    if itself:
        lines.append(
            f"Your {exc.noun} was deleted with it: it comes back, with what you typed saved."
        )
    return "\n\n".join(lines)


def not_saved_words(exc: MissingParentError) -> str:
    """The form's message while the question is open, or when the parent cannot come back."""
    if exc.restorable:
        other = "" if exc.itself else f" and pick another {exc.parent_noun}"
        return (
            f"Not saved: {exc.what_happened()}. What you typed is still here: ctrl+s offers "
            f"to restore it again, or copy what you need{other}."
        )
    return f"Not saved: {exc.what_happened()}. {exc.what_to_do()}. What you typed is still here."


def offer_restore(
    host: Screen[Any],
    store: Store,
    record: Record,
    exc: MissingParentError,
    save_again: Callable[[MissingParentError], None],
) -> str:
    """Ask to restore what ``exc`` names and save (``save_again(exc)`` on yes); return
    the message for the form, which stays open with the typing on no."""
    if exc.restorable:
        from pdsa_tui.ui.dialogs.modals import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                save_again(exc)

        host.app.push_screen(
            ConfirmScreen(restore_question(store, record, exc), yes="Restore and save"), answer
        )
    return not_saved_words(exc)


@contextlib.contextmanager
def restoring(
    store: Store | None, record: Record, exc: MissingParentError | None
) -> Iterator[None]:
    """The block's save, after bringing back what ``exc`` names, as one write (or as is)."""
    if store is None or exc is None:
        yield
        return
    with store.transaction():
        store.versions.restore_to_save(record, exc)
        yield
