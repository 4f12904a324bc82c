"""Read an export as text: detect its encoding and refuse binary junk with a clear message.

Order: byte-order marks (UTF-8, UTF-16, UTF-32), UTF-16 without a byte-order mark (every other
byte zero), strict UTF-8, then charset-normalizer over the encodings search databases really
write. Between Latin-1 and Windows-1252 (identical except for bytes 0x80-0x9F) the choice is made
on those bytes: Windows-1252 maps them to curly quotes, dashes and the ellipsis that exports are
full of; Latin-1 maps them to invisible control characters.

Files merged from two exports mix encodings: a UTF-8 file with one record pasted from a Latin-1
export. When some lines are UTF-8 with non-ASCII characters and others are not UTF-8 at all, the
encoding is decided per line (so per record): UTF-8 where the bytes are UTF-8, a single-byte
Western code page where not, and every such line is named in a warning with the text as read,
never decoded wholesale as one code page ("StraÃŸe").
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from slr.errors import InputFormatError, display_path

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes Windows-1252 leaves undefined; a file containing them is not Windows-1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
# charset-normalizer guesses that are really "some Western single-byte code page".
_SINGLE_BYTE_WESTERN = frozenset(
    {
        "cp1252",
        "latin_1",
        "iso8859_15",
        "cp1250",
        "iso8859_2",
        "mac_roman",
        "mac_latin2",
        "cp850",
        "cp437",
        "iso8859_9",
        "cp1254",
        "iso8859_10",
        "iso8859_14",
        "iso8859_3",
        "iso8859_4",
        "iso8859_16",
        "cp1257",
        "iso8859_13",
        "mac_iceland",
        "mac_turkish",
    }
)


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    # (line, message) for lines read in another encoding than the rest of the file
    warnings: tuple[tuple[int, str], ...] = ()


def _looks_binary(data: bytes, path: Path) -> None:
    sample = data[:65536]
    if b"\x00" in sample:
        nul_at = sample.index(b"\x00")
        line = sample[:nul_at].count(b"\n") + 1
        raise InputFormatError(
            f"{display_path(path)}:{line}: binary data (NUL byte at offset {nul_at}); this is not "
            "a text export. Export the search results as BibTeX, RIS or CSV and ingest that file"
        )
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if sample and controls / len(sample) > 0.01:
        raise InputFormatError(
            f"{display_path(path)}: {controls} control bytes in the first {len(sample)} bytes; "
            "this looks like binary data, not a text export (BibTeX, RIS or CSV)"
        )


def decode_bytes(data: bytes, path: str | Path = "<bytes>") -> DecodedText:
    """Decode an export's bytes; raises InputFormatError for binary or undecodable data."""
    path = Path(path)
    marked = _decode_marked(data, path)
    if marked is not None:
        return marked
    _looks_binary(data, path)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed
    encoding = _guess_single_byte(data)
    try:
        return DecodedText(data.decode(encoding), encoding)
    except (UnicodeDecodeError, LookupError) as err:
        raise InputFormatError(
            f"{display_path(path)}: cannot decode the file (tried UTF-8, {encoding}); save it "
            "as UTF-8 and ingest it again"
        ) from err


def _decode_marked(data: bytes, path: Path) -> DecodedText | None:
    """Text that says its encoding: a byte-order mark, or UTF-16 without one (None: neither)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(enc), enc)
            except UnicodeDecodeError as err:
                raise InputFormatError(
                    f"{display_path(path)}: starts with a {enc} byte-order mark but is not valid "
                    f"{enc} ({err.reason} at byte {err.start}); re-export the file"
                ) from err
    utf16 = _utf16_without_bom(data)
    if utf16 is None:
        return None
    try:
        return DecodedText(data.decode(utf16), utf16)
    except UnicodeDecodeError as err:
        line = data[: err.start].decode(utf16, errors="replace").count("\n") + 1
        raise InputFormatError(
            f"{display_path(path)}:{line}: the file is {utf16.upper()} without a byte-order "
            f"mark, but the bytes at offset {err.start} are not ({err.reason}); save the "
            "export as UTF-8 and ingest it again"
        ) from err


def _guess_single_byte(data: bytes) -> str:
    """The detector's guess, Latin-1 vs Windows-1252 decided on the 0x80-0x9F bytes."""
    c1 = {b for b in data if 0x80 <= b <= 0x9F}
    encoding: str | None = None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        encoding = best.encoding if best is not None else None
    except Exception:  # a failing detector must not hide the fallback below
        encoding = None
    if encoding is None or encoding in _SINGLE_BYTE_WESTERN:
        # Single-byte Western guesses are unreliable on short texts; decide Latin-1 vs
        # Windows-1252 on the 0x80-0x9F bytes (text in Windows-1252, controls in Latin-1).
        encoding = "cp1252" if c1 and not (c1 & _CP1252_UNDEFINED) else "latin_1"
    return encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when every other byte is zero (text in the Latin range)."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 8:
        return None
    zero_odd = sample[1::2].count(0) / half
    zero_even = sample[0::2].count(0) / half
    if zero_odd > 0.3 and zero_even < 0.1:
        return "utf-16-le"
    if zero_even > 0.3 and zero_odd < 0.1:
        return "utf-16-be"
    return None


def _single_byte(line: bytes) -> str:
    c1 = {b for b in line if 0x80 <= b <= 0x9F}
    return "cp1252" if c1 and not (c1 & _CP1252_UNDEFINED) else "latin_1"


_SHOWN_CODEPAGE = {"cp1252": "Windows-1252", "latin_1": "Latin-1"}


def _decode_mixed(data: bytes) -> DecodedText | None:
    """Per-line decoding of a UTF-8 file with some lines in a single-byte code page; None when
    the file has no UTF-8 line with non-ASCII characters (then it is single-byte throughout)."""
    lines = data.split(b"\n")
    utf8_non_ascii = 0
    bad: list[int] = []
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_non_ascii += 1
        except UnicodeDecodeError:
            bad.append(i)
    if not utf8_non_ascii or not bad:
        return None
    bad_set = set(bad)
    out = [line.decode("utf-8") if i not in bad_set else "" for i, line in enumerate(lines)]
    warnings: list[tuple[int, str]] = []
    for i in bad:
        enc = _single_byte(lines[i])
        out[i] = lines[i].decode(enc)
        shown = out[i].strip()
        shown = shown if len(shown) <= 70 else shown[:67] + "..."
        warnings.append(
            (
                i + 1,
                f"this line is not UTF-8, unlike the rest of the file; read as "
                f"{_SHOWN_CODEPAGE[enc]}: {shown!r} (check the characters, or save the file as "
                "UTF-8)",
            )
        )
    return DecodedText("\n".join(out), "utf-8 (mixed)", tuple(warnings))


def read_text(path: str | Path) -> DecodedText:
    """Read a file and decode it (see :func:`decode_bytes`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputFormatError(f"{display_path(path)}: cannot read file ({err.strerror})") from err
    if not data.strip():
        raise InputFormatError(
            f"{display_path(path)}: the file is empty; export the search results again"
        )
    return decode_bytes(data, path)
