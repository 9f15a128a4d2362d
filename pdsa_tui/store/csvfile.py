"""Reading a CSV file to import, with a plain reason when it cannot be read or is not CSV."""

from __future__ import annotations

from pathlib import Path

from pdsa_tui.store.errors import CsvFileError

#: How spreadsheet files that are not CSV begin: a zip (.xlsx, .ods) or the old .xls format.
_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_SAVE_AS = "save it from the spreadsheet as CSV UTF-8 (File > Save As)"


def read_csv_text(path: Path) -> str:
    """The text of the CSV file at ``path`` (a UTF-8 byte-order mark dropped).

    Raises :class:`CsvFileError` when the file is missing, a folder, unreadable, a
    workbook rather than CSV, binary, or not UTF-8.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CsvFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CsvFileError(f"{path} is a folder; give the CSV file inside it") from None
    except OSError as exc:
        raise CsvFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if data.startswith(_WORKBOOKS):
        raise CsvFileError(f"{path}: a spreadsheet workbook, not a CSV file; {_SAVE_AS}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFileError(f"{path}: saved as UTF-16 text, not UTF-8; {_SAVE_AS}")
    if b"\x00" in data[:4096]:
        raise CsvFileError(f"{path}: not a text file (it holds binary data); {_SAVE_AS}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError(f"{path}: not a UTF-8 text file; save the CSV as UTF-8") from None
