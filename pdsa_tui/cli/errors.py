"""Errors the command line turns into one line on stderr and an exit status."""

from __future__ import annotations

#: Exit status for bad data (a value, a file or a record that is wrong).
EXIT_DATA = 1
#: Exit status for bad usage (arguments that do not fit the command).
EXIT_USAGE = 2


class CliError(Exception):
    """A failure to report as ``pdsa: <message>`` with ``status`` as the exit code."""

    def __init__(self, message: str, status: int = EXIT_DATA) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
