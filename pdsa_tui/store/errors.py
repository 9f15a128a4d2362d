"""Every storage error, and what to tell the user about a failed write.

Each message names the file and, where it helps, what to do next.
"""

from __future__ import annotations

import errno
from pathlib import Path


class StoreError(Exception):
    """Base of every storage failure; ``str()`` is a message fit for the user."""


class DatabaseNotFoundError(StoreError):
    """The database file does not exist (and creating it was not asked for)."""


class UnreadableDatabaseError(StoreError):
    """The file is empty, not JSON, or not a pdsa database. It is left untouched."""

    def __init__(self, path: Path, problem: str, backup: Path | None) -> None:
        self.path = path
        self.problem = problem
        self.backup = backup
        if backup is not None:
            hint = f"The newest backup is {backup}; to restore it, copy it over {path}."
        else:
            hint = "No backup of it was found beside it."
        super().__init__(f"{path}: {problem}. The file has not been changed. {hint}")


class CutShortError(UnreadableDatabaseError):
    """The file is empty or its JSON stops short: cut short, or still being written in place."""


class NewerSchemaError(UnreadableDatabaseError):
    """The file was written by a newer pdsa; opening it could lose what this one cannot read."""


class DatabaseLockedError(StoreError):
    """Another copy of pdsa kept the file busy (saving) for longer than a save waits."""

    def __init__(self, path: Path, owner: str = "") -> None:
        self.path = path
        who = f" ({owner})" if owner else ""
        super().__init__(
            f"{path} is busy: another copy of pdsa{who} has been saving it for several "
            "seconds. Nothing was saved; try again in a moment"
        )


class ReadOnlyError(StoreError):
    """A write was tried on a store opened read-only."""


class WriteFailedError(StoreError):
    """Saving failed (disk full, permissions...). The file on disk holds the last save."""


class NotFoundError(StoreError):
    """No record has the id, code or name asked for."""


class MissingParentError(NotFoundError):
    """A record was saved under one that is not in the file (another copy deleted it),
    or (``itself``) an edit was saved of a record another copy deleted.

    Structured, so each face says it in its own words: ``parent_title`` and who deleted
    it when (``deleted_by``, ``deleted_on``, day first) come from its tombstone, and
    ``restorable`` says whether it can come back; without history only its noun is known.
    """

    def __init__(
        self,
        noun: str,
        parent_noun: str,
        parent_id: str,
        *,
        parent_title: str = "",
        deleted_by: str = "",
        deleted_on: str = "",
        restorable: bool = False,
        itself: bool = False,
    ) -> None:
        self.noun = noun
        self.itself = itself
        self.parent_noun = parent_noun
        self.parent_id = parent_id
        self.parent_title = parent_title
        self.deleted_by = deleted_by
        self.deleted_on = deleted_on
        self.restorable = restorable
        super().__init__(self.what_happened() + ". " + self.what_to_do())

    def named(self) -> str:
        """The missing record in words: "change idea 'Buddy scheme'" (never its id)."""
        if self.parent_title:
            return f"{self.parent_noun} '{self.parent_title}'"
        return f"its {self.parent_noun}"

    def what_happened(self) -> str:
        """ "Change idea 'X' was deleted by Sam on 04/12/2026" (or: is no longer in the file)."""
        if not self.restorable:
            a = "an" if self.parent_noun[:1] in "aeiou" else "a"
            return (
                f"The {self.noun} belongs to {a} {self.parent_noun} that is no longer in the "
                "file (deleted in another copy, with no history left to restore it from)"
            )
        by = f" by {self.deleted_by}" if self.deleted_by else ""
        on = f" on {self.deleted_on}" if self.deleted_on else ""
        head = self.named()
        return f"{head[0].upper()}{head[1:]} was deleted{by}{on}"

    def what_to_do(self, *, cli: bool = False) -> str:
        """What the person can do next; ``cli``: the command to run (else both faces' ways)."""
        if self.restorable:
            import shlex  # only this message needs it

            command = f"pdsa restore {shlex.quote(self.parent_title)}"
            if cli:
                return f"Nothing was changed. Restore it with: {command} (then run this again)"
            return (
                "Nothing was changed. Restore it first: History (H) in the app, or "
                f"{command} on the command line"
            )
        return (
            f"Nothing was changed. Copy what you typed, then save it under another "
            f"{self.parent_noun} (or add a new one)"
        )

    def cli_text(self) -> str:
        """The message for the command line: in words, with the ``pdsa restore`` to run."""
        return f"{self.what_happened()}. {self.what_to_do(cli=True)}"


class LockFileError(WriteFailedError):
    """The lock file beside the database cannot be made (a read-only folder...)."""


class OpenWriteFailedError(WriteFailedError, OSError):
    """Opening for writing needed a write (the day's backup, a migration) that failed.

    Also an :class:`OSError`, as the failure was before this class existed.
    """

    def __init__(self, path: Path, exc: OSError) -> None:
        reason = exc.strerror or str(exc)
        super().__init__(
            f"{path}: could not make its backup before opening it for writing ({reason}). "
            f"The file has not been changed. {what_to_do(exc)} "
            "Or open it read-only (pdsa --read-only)."
        )


def what_to_do(exc: OSError) -> str:
    """What the user can do about a failed write, by its cause."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "Free some space on that disk and try again."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "Choose a folder you can write to, or ask for write permission."
    return "Check the disk and try again."


class SaveStepError(OSError):
    """An I/O step of a save failed; ``step`` says which, in words for the user."""

    def __init__(self, step: str, exc: OSError) -> None:
        super().__init__(exc.errno, exc.strerror or str(exc))
        self.step = step
        self.filename = exc.filename


def create_failed_text(path: Path, exc: OSError) -> str:
    """One line for a new database that could not be made: nothing was written."""
    return (
        f"{path}: could not create the database ({exc.strerror or exc}); nothing was "
        f"written. {what_to_do(exc)}"
    )


def save_failed_text(path: Path, exc: OSError) -> str:
    """One line for a failed save: the file, the step, the reason, and that nothing was lost."""
    reason = exc.strerror or str(exc)
    step = f" while {exc.step}" if isinstance(exc, SaveStepError) else ""
    return (
        f"Could not save to {path}{step}: {reason}. The file still holds your last successful save."
    )


class CsvFileError(ValueError):
    """The file cannot be read as CSV text; the message names it and says what to do."""
