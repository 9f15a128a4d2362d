"""Safe storage: the database file (TinyDB's layout), its lock, backups, merges and migrations.

No Textual. See ARCHITECTURE.md for the parts and the save path.
"""

from pdsa_tui.store.checks import load_file
from pdsa_tui.store.errors import (
    DatabaseLockedError,
    DatabaseNotFoundError,
    MissingParentError,
    NewerSchemaError,
    NotFoundError,
    ReadOnlyError,
    StoreError,
    UnreadableDatabaseError,
    WriteFailedError,
)
from pdsa_tui.store.files import atomic_write, list_backups, newest_backup
from pdsa_tui.store.migrations import SCHEMA_VERSION
from pdsa_tui.store.paths import default_db_path
from pdsa_tui.store.store import Store
from pdsa_tui.store.sync import lock_path

__all__ = [
    "SCHEMA_VERSION",
    "DatabaseLockedError",
    "DatabaseNotFoundError",
    "MissingParentError",
    "NewerSchemaError",
    "NotFoundError",
    "ReadOnlyError",
    "Store",
    "StoreError",
    "UnreadableDatabaseError",
    "WriteFailedError",
    "atomic_write",
    "default_db_path",
    "list_backups",
    "load_file",
    "lock_path",
    "newest_backup",
]
