"""Storage errors. Each message names the file and, where it helps, what to do next."""

from __future__ import annotations

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
