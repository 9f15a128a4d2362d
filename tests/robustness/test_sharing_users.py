"""Two real Unix users share one database in a group folder (issue 20, item 1).

Run as root (as CI does): the fixture makes a group and two users in it, a setgid
group folder, and runs ``python -m pdsa_tui`` as each user with ``setpriv``. Skipped,
with the reason, when not root or the tools are missing. The users and the group
are removed afterwards.
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import shutil
import site
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pdsa_tui.store import lock_path
from pdsa_tui.store.files import backup_dir, list_backups

TOOLS = ("useradd", "userdel", "groupadd", "groupdel", "setpriv")


@dataclass
class Team:
    """A group, two of its members and a setgid folder they share."""

    group: str
    gid: int
    users: tuple[str, str]
    folder: Path
    python: str = sys.executable
    pythonpath: str = ""

    def run(self, who: int, *argv: str, umask: str = "002") -> subprocess.CompletedProcess[str]:
        """``python -m pdsa_tui ARGV`` as user ``who`` (0 or 1) with ``umask``."""
        user = self.users[who]
        home = self.folder.parent / f"home-{user}"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "PDSA_TODAY": os.environ.get("PDSA_TODAY", ""),
            "PYTHONPATH": self.pythonpath,
            "PYTHONDONTWRITEBYTECODE": "1",
            "LANG": "C.UTF-8",
        }
        script = f'umask {umask}; exec "$@"'
        return subprocess.run(
            [
                "setpriv",
                f"--reuid={user}",
                f"--regid={pwd.getpwnam(user).pw_gid}",
                "--init-groups",
                "--",
                "sh",
                "-c",
                script,
                "sh",
                self.python,
                "-m",
                "pdsa_tui",
                *argv,
            ],
            env=env,
            cwd=home,  # 'python -m' imports from its folder first
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def _interpreter(team: Team) -> tuple[str, str] | None:
    """A Python the users may run that imports this pdsa: this one, or the system's same version.

    This interpreter may sit in a folder only root may enter (pyenv in /root): then the
    system's Python of the same version runs with this environment's packages.
    """
    here = str(Path(__file__).resolve().parents[2])
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    paths += [here, *site.getsitepackages()]
    pythonpath = os.pathsep.join(paths)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [sys.executable, shutil.which(version, path="/usr/bin:/usr/local/bin")]
    for python in candidates:
        if not python:
            continue
        team.python, team.pythonpath = python, pythonpath
        probe = team.run(0, "--version")
        if probe.returncode == 0:
            return python, pythonpath
    return None


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def team() -> Iterator[Team]:
    """Make the group, the users and the folder; remove them afterwards."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("needs root to make two Unix users (CI runs as root)")
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} to make two Unix users")
    tag = secrets.token_hex(3)
    group = f"pdsag{tag}"
    users = (f"pdsaa{tag}", f"pdsab{tag}")
    made: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="pdsa-team-"))
    try:
        _run("groupadd", group)
        for user in users:
            _run("useradd", "-M", "-N", "-s", "/bin/sh", "-G", group, user)
            made.append(user)
        gid = grp.getgrnam(group).gr_gid
        os.chmod(base, 0o755)
        folder = base / "share"
        folder.mkdir()
        os.chown(folder, 0, gid)
        os.chmod(folder, 0o2770)  # a group folder: setgid, group-writable
        for user in users:
            home = base / f"home-{user}"
            home.mkdir()
            shutil.chown(home, user)
        made_team = Team(group, gid, users, folder)
        if _interpreter(made_team) is None:
            pytest.skip("no Python these users may run imports pdsa (the interpreter is private)")
        yield made_team
    finally:
        for user in made:
            subprocess.run(["userdel", user], capture_output=True, check=False)
        subprocess.run(["groupdel", group], capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_a_colleague_in_the_group_opens_saves_and_sees_the_others_work(team: Team) -> None:
    db = team.folder / "pace.json"
    _ok(team.run(0, "demo", str(db)))
    st = db.stat()
    assert st.st_gid == team.gid  # the folder's group
    assert _mode(db) == 0o664  # the umask's mode
    # Bob saves into Alice's file, then Alice's copy sees it and saves again.
    _ok(team.run(1, "--db", str(db), "programme", "set", "--pace-lead", "from Bob"))
    assert "from Bob" in _ok(team.run(0, "--db", str(db), "programme", "show"))
    _ok(team.run(0, "--db", str(db), "programme", "set", "--pace-lead", "from Alice"))
    assert "from Alice" in _ok(team.run(1, "--db", str(db), "programme", "show"))
    # Everything pdsa made beside it is the group's too.
    for made in (db, lock_path(db), *list_backups(db)):
        assert made.stat().st_gid == team.gid, made
        assert _mode(made) & 0o660 == 0o660, made
    assert _mode(backup_dir(db)) & 0o770 == 0o770
    assert backup_dir(db).stat().st_gid == team.gid


def test_a_pack_exported_into_the_group_folder_is_the_groups_to_read(team: Team) -> None:
    db = team.folder / "packed.json"
    _ok(team.run(0, "demo", str(db)))
    pack = team.folder / "pack.html"
    _ok(team.run(0, "export", "--programme", "-o", str(pack), "--db", str(db)))
    # It once was owner-only (0600) wherever it was written: Bob could not open it.
    assert pack.stat().st_gid == team.gid and _mode(pack) == 0o664
    _ok(team.run(1, "export", "--programme", "-o", str(pack), "--force", "--db", str(db)))
    assert pack.stat().st_gid == team.gid and _mode(pack) == 0o664  # kept when replaced


def test_a_file_made_group_writable_by_hand_needs_no_other_chmod(team: Team) -> None:
    db = team.folder / "private-then-shared.json"
    _ok(team.run(0, "demo", str(db), umask="077"))
    assert _mode(db) == 0o600 and _mode(lock_path(db)) == 0o600
    os.chmod(db, 0o660)  # Alice shares the file, and only the file
    _ok(team.run(1, "--db", str(db), "programme", "set", "--pace-lead", "from Bob"))
    assert "from Bob" in _ok(team.run(0, "--db", str(db), "programme", "show"))
    _ok(team.run(0, "--db", str(db), "programme", "set", "--pace-lead", "from Alice"))
    _ok(team.run(1, "--db", str(db), "programme", "set", "--pace-lead", "Bob again"))
    assert _mode(lock_path(db)) & 0o660 == 0o660


def test_the_private_default_stays_owner_only(team: Team) -> None:
    user = team.users[0]
    home = team.folder.parent / f"home-{user}"
    made = home / ".local" / "share" / "pdsa"
    db = made / "pdsa.json"  # where 'pdsa' with no --db keeps its file
    _ok(team.run(0, "demo", str(db)))  # umask 002, yet owner-only
    assert _mode(db) == 0o600
    assert _mode(made) == 0o700


def test_a_colleague_who_may_not_write_is_told_who_can_change_that(team: Team) -> None:
    """Alice's umask 022 made her file 0644: Bob cannot save, and 'chmod u+w' would not
    help him (it is Alice's file). He is told whose it is and what she can run."""
    db = team.folder / "umask-022.json"
    _ok(team.run(0, "demo", str(db), umask="022"))
    r = team.run(1, "--db", str(db), "programme", "set", "--pace-lead", "from Bob")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    said = " ".join(r.stderr.split())
    assert "chmod u+w" not in said
    assert f"it belongs to {team.users[0]}" in said
    assert f"chmod g+w {db}" in said
    # Alice herself, on a file she made read-only, is told her own chmod.
    os.chmod(db, 0o444)
    r = team.run(0, "--db", str(db), "programme", "set", "--pace-lead", "from Alice")
    assert f"chmod u+w {db}" in " ".join(r.stderr.split())
