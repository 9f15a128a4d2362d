"""The argparse parser class of ``pdsa`` and its subcommands.

Apart from :mod:`pdsa_tui.cli` so that opening the app with its plain options
(``pdsa``, ``pdsa --db PATH``, see :func:`.app_options.plain_app_args`) does not
import argparse at all.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from pdsa_tui.cli.errors import EXIT_USAGE, CliError


class Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see '{self.prog} --help')", EXIT_USAGE)
