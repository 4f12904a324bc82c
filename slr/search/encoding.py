"""Read an export as text: detect its encoding and refuse binary junk with a clear message.

Order: byte-order marks (UTF-8, UTF-16, UTF-32), strict UTF-8, then charset-normalizer over the
encodings search databases really write. Between Latin-1 and Windows-1252 (identical except for
bytes 0x80-0x9F) the choice is made on those bytes: Windows-1252 maps them to curly quotes, dashes
and the ellipsis that exports are full of; Latin-1 maps them to invisible control characters.
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
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(enc), enc)
            except UnicodeDecodeError as err:
                raise InputFormatError(
                    f"{display_path(path)}: starts with a {enc} byte-order mark but is not valid "
                    f"{enc} ({err.reason} at byte {err.start}); re-export the file"
                ) from err
    _looks_binary(data, path)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
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
    try:
        return DecodedText(data.decode(encoding), encoding)
    except (UnicodeDecodeError, LookupError) as err:
        raise InputFormatError(
            f"{display_path(path)}: cannot decode the file (tried UTF-8, {encoding}); save it "
            "as UTF-8 and ingest it again"
        ) from err


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
