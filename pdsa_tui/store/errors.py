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


def save_failed_text(path: Path, exc: OSError) -> str:
    """One line for a failed save: the file, the step, the reason, and that nothing was lost."""
    reason = exc.strerror or str(exc)
    step = f" while {exc.step}" if isinstance(exc, SaveStepError) else ""
    return (
        f"Could not save to {path}{step}: {reason}. The file still holds your last successful save."
    )


class CsvFileError(ValueError):
    """The file cannot be read as CSV text; the message names it and says what to do."""
