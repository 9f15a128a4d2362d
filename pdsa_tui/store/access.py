"""Who may use the files pdsa makes beside a database: the database's own mode and group.

A database in pdsa's private default folder is owner-only (0600, folders 0700). One
made anywhere else follows its folder, as any editor's file does: the umask sets its
mode and the folder its group (a setgid group folder gives every file the group).
Everything pdsa makes beside a database afterwards (its lock file, temporary files,
backups folder and backups) takes the database's mode and group, so everyone who
may write the database may also save it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import platformdirs

from pdsa_tui.valueclass import value_class

PRIVATE = 0o600
PRIVATE_DIR = 0o700


def private_folder() -> Path:
    """pdsa's private default folder (where ``pdsa`` with no ``--db`` keeps its file)."""
    return Path(platformdirs.user_data_dir("pdsa", appauthor=False))


def in_private_folder(path: Path) -> bool:
    """Whether ``path`` is a file directly in pdsa's private default folder."""
    try:
        return os.path.realpath(path.parent) == os.path.realpath(private_folder())
    except OSError:
        return False


def current_umask() -> int:
    """The process's umask (read without changing it where the system allows)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o077)  # no other way to read it; put back at once
    os.umask(mask)
    return mask


def dir_mode_for(file_mode: int) -> int:
    """A folder's mode for files of ``file_mode``: whoever may read them may enter it."""
    mode = 0o700
    for read, write, enter in ((0o040, 0o020, 0o010), (0o004, 0o002, 0o001)):
        if file_mode & (read | write):
            mode |= enter | (file_mode & (read | write))
    return mode


@value_class(frozen=True)
class Access:
    """The mode and group that files beside one database take."""

    mode: int
    gid: int | None = None

    @property
    def dir_mode(self) -> int:
        """The mode of a folder pdsa makes beside the database (its backups)."""
        return dir_mode_for(self.mode)

    @property
    def shared(self) -> bool:
        """Whether anyone but the owner may use the database."""
        return bool(self.mode & 0o066)

    def apply_fd(self, fd: int) -> None:
        """Give an open file this mode and group (the group where this user may set it)."""
        os.fchmod(fd, self.mode)
        self.set_group(fd)

    def set_group(self, fd: int) -> None:
        """Give an open file this group, where this user may (else it keeps its own)."""
        if self.gid is not None and hasattr(os, "fchown"):
            with contextlib.suppress(OSError):
                if os.fstat(fd).st_gid != self.gid:
                    os.fchown(fd, -1, self.gid)

    def fix_folder(self, folder: Path) -> None:
        """Open a folder this user owns to everyone who may use the database (never narrower)."""
        with contextlib.suppress(OSError):
            st = folder.stat()
            if not hasattr(os, "geteuid") or st.st_uid != os.geteuid():
                return
            if self.gid is not None and st.st_gid != self.gid:
                os.chown(folder, -1, self.gid)
                st = folder.stat()
            wanted = stat.S_IMODE(st.st_mode) | self.dir_mode
            if self.shared and st.st_gid == self.gid:
                wanted |= stat.S_ISGID  # backups made inside keep the group too
            if wanted != stat.S_IMODE(st.st_mode):
                os.chmod(folder, wanted)


def creation_mode(path: Path) -> int:
    """The mode a new database at ``path`` gets: private in the default folder, else the umask's."""
    if in_private_folder(path):
        return PRIVATE
    return 0o666 & ~current_umask()


def access_of(path: Path) -> Access:
    """How files beside the database ``path`` are made: its mode and group (or a new one's)."""
    try:
        st = os.stat(path)
    except OSError:
        return Access(creation_mode(path))
    return Access(stat.S_IMODE(st.st_mode) & 0o666 or PRIVATE, st.st_gid)


def make_folders(folder: Path, mode: int) -> None:
    """Create ``folder`` and missing parents with ``mode`` whatever the umask.

    Folders that already exist keep their permissions: they are the user's.
    """
    missing: list[Path] = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for part in reversed(missing):
        with contextlib.suppress(FileExistsError):
            part.mkdir(mode=mode)
            os.chmod(part, mode)  # mkdir's mode is masked by the umask


def make_database_folder(path: Path) -> None:
    """Create the folder of a new database: owner-only in the default folder, else the umask's."""
    if in_private_folder(path) or path.parent == private_folder():
        make_folders(path.parent, PRIVATE_DIR)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
