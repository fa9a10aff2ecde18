"""Commands we suggest to the user, quoted for the shell they type them into.

POSIX shells (bash, zsh on macOS and Linux) take `shlex.quote`'s single quotes; cmd.exe does
not understand single quotes at all, and PowerShell treats them differently from a POSIX shell,
while both read a double-quoted argument the same way. A Windows path cannot contain `"`, so
double quotes are enough there.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import PurePath

# Characters that make cmd.exe or PowerShell split or interpret an unquoted argument.
_WINDOWS_SPECIAL = re.compile(r"""[\s&|<>^%"'`$@(){}\[\];,=!*?]""")


def quote(argument: str | PurePath, windows: bool | None = None) -> str:
    """Quote one argument for the user's shell (POSIX, or cmd/PowerShell on Windows)."""
    text = str(argument)
    if windows is None:
        windows = os.name == "nt"
    if not windows:
        return shlex.quote(text)
    if text and not _WINDOWS_SPECIAL.search(text):
        return text
    return '"' + text.replace('"', '""') + '"'


def command(*parts: str | PurePath, windows: bool | None = None) -> str:
    """Write a `letters` command line to suggest, each argument quoted for the user's shell.

    Arguments that are options or fixed words (`--kind`, `complaint`) pass through unchanged
    when they need no quoting; paths and names the user chose are quoted as needed.
    """
    return " ".join(["letters", *(quote(part, windows) for part in parts)])
