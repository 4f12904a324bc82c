"""Splitting free-text coding cells into terms, and parsing hardware descriptions.

Every function here is pure and small: it takes the verbatim cell and returns fragments; the
importer resolves the fragments against the taxonomy and records what it did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WS = re.compile(r"\s+")


def clean(text: str) -> str:
    """Collapse runs of whitespace (tabs, line breaks, double spaces) and strip."""
    return _WS.sub(" ", text).strip()


def split_top_level(text: str, seps: str = ",") -> list[str]:
    """Split on separator characters that are not inside parentheses."""
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p for p in (clean(x) for x in parts) if p]


_PAREN = re.compile(r"\s*\([^()]*\)")


def drop_qualifiers(text: str) -> str:
    """Remove parenthetical qualifiers: 'QLoRA (MFT-5Tasks)' -> 'QLoRA'."""
    prev = None
    out = text
    while prev != out:
        prev, out = out, _PAREN.sub("", out)
    return clean(out).strip(" .;:")


def method_fragments(cell: str) -> list[list[str]]:
    """A method cell as a list of method uses, each a list of components.

    'Adapter, FF-LoRA (Feed Forward layer), FF-LoRA + AT' -> [['Adapter'], ['FF-LoRA'], ['FF-LoRA', 'AT']]
    """
    uses = []
    for item in split_top_level(cell, ","):
        comps = [drop_qualifiers(c) for c in split_top_level(drop_qualifiers(item), "+")]
        comps = [c for c in comps if c]
        if comps:
            uses.append(comps)
    return uses


_AND = re.compile(r"^(and|&)\s+", re.IGNORECASE)
_LABEL = re.compile(r"^(?P<label>[^:]{1,40}):\s*(?P<rest>.*)$")


def list_fragments(cell: str) -> list[str]:
    """A list cell (models, architectures, metrics) as fragments without qualifiers.

    Splits on commas outside parentheses and on line breaks, drops a leading 'and', and keeps
    'Label: rest' fragments whole (the importer decides what a label means).
    """
    out = []
    for line in cell.splitlines():
        for item in split_top_level(line, ","):
            item = _AND.sub("", item)
            frag = drop_qualifiers(item)
            if frag:
                out.append(frag)
    return out


def split_label(fragment: str) -> tuple[str | None, str]:
    """'LoRA: QWen-14B' -> ('LoRA', 'QWen-14B'); no label -> (None, fragment)."""
    m = _LABEL.match(fragment)
    if not m:
        return None, fragment
    return clean(m.group("label")), clean(m.group("rest"))


# --- hardware ------------------------------------------------------------------------------------

_COUNT_WORDS = {"single": 1, "one": 1, "two": 2, "three": 3, "four": 4, "eight": 8}


@dataclass(frozen=True)
class GpuMention:
    """'2x NVIDIA RTX 3090 (24 GB)': a GPU product named in a hardware description."""

    gpu: str  # the spelling as found in the text (resolved by the importer)
    count: int | None
    memory_gb: str | None  # '24', '80', '40/80'; None when not stated
    alternative: bool = False  # 'V100 or A100': one of several alternatives

    def label(self, canonical: str) -> str:
        count = f"{self.count}x " if self.count is not None else "?x "
        mem = f" ({self.memory_gb} GB)" if self.memory_gb else ""
        alt = " [alternative]" if self.alternative else ""
        return f"{count}{canonical}{mem}{alt}"


_GPU_LABEL = re.compile(
    r"^(?P<count>\?|\d+)x (?P<gpu>.+?)(?: \((?P<mem>\d+(?:/\d+)?) GB\))?(?P<alt> \[alternative\])?$"
)


def parse_gpu_label(label: str) -> tuple[str, int | None, str | None, bool] | None:
    """Inverse of :meth:`GpuMention.label`: (gpu, count, memory, alternative) or None."""
    m = _GPU_LABEL.match(label.strip())
    if not m:
        return None
    count = None if m.group("count") == "?" else int(m.group("count"))
    return m.group("gpu"), count, m.group("mem"), bool(m.group("alt"))


_MEM = re.compile(r"(\d+(?:/\d+)?)\s*G(?:B)?\b", re.IGNORECASE)
_NUM_BEFORE = re.compile(
    r"(?:^|[\s,(])(\d+|single|one|two|three|four|eight)\s*x?\s*$", re.IGNORECASE
)


def find_gpus(text: str, spellings: list[str]) -> list[GpuMention]:
    """GPU mentions in a hardware description.

    ``spellings`` are every known GPU spelling; they are matched longest first, so 'RTX 3090Ti' is
    not read as 'RTX 3090'. The count is the number right before the mention (or 'N machines,
    each with'); the memory is a 'NN GB' figure in the same comma-free clause; 'NN GB in total' is
    divided by the count.
    """
    found = _spelled_spans(text, spellings)
    mentions: list[GpuMention] = []
    for idx, (start, end, spelled) in enumerate(found):
        clause_start = max(text.rfind(",", 0, start), text.rfind(";", 0, start)) + 1
        count = _gpu_count(text, clause_start, start, end)
        nxt = found[idx + 1][0] if idx + 1 < len(found) else len(text)
        memory = _gpu_memory(text, clause_start, start, end, nxt, count)
        alternative = bool(re.search(r"\bor\s*$", text[clause_start:start], re.I)) or bool(
            re.match(r"\s*or\b", text[end : end + 5], re.I)
        )
        if alternative and count is None and idx > 0:
            count = mentions[-1].count
        mentions.append(GpuMention(spelled, count, memory, alternative))
    return _pair_alternatives(mentions)


def _spelled_spans(text: str, spellings: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, text) of each GPU spelling found, longest spellings first, no overlaps."""
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    for sp in sorted(spellings, key=len, reverse=True):
        pattern = re.compile(
            r"(?<![\w-])" + re.escape(sp).replace(r"\ ", r"[\s-]?") + r"(?![\w])", re.I
        )
        for m in pattern.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            found.append((m.start(), m.end(), m.group(0)))
    found.sort()
    return found


def _gpu_count(text: str, clause_start: int, start: int, end: int) -> int | None:
    """The number right before the mention ('2x', 'two'), or 'N machines, each with'; 1 when
    none is said, None for a plural 'GPUs' without a number."""
    before = text[clause_start:start]
    # strip vendor words between the number and the model
    before_core = re.sub(r"(NVIDIA|Tesla|GeForce|GTX|RTX|\d+\s*GB|\s)+$", "", before, flags=re.I)
    count = None
    num = _NUM_BEFORE.search(before_core + " ") or _NUM_BEFORE.search(before_core)
    if num:
        word = num.group(1).lower()
        count = _COUNT_WORDS.get(word) if not word.isdigit() else int(word)
    machines = re.search(r"(\d+)\s+\w+\s+machines?,?\s+each with", text[:start], re.I)
    if count is None and machines:
        count = int(machines.group(1))
    if count is None and re.search(r"\bGPUs\b", text[end : end + 12]):
        count = None
    elif count is None:
        count = 1
    return count


def _gpu_memory(
    text: str, clause_start: int, start: int, end: int, nxt: int, count: int | None
) -> str | None:
    """A 'NN GB' figure in the mention's comma-free clause ('NN GB in total' divided by the
    count), or 'NN GB each' after it."""
    clause_end = min(
        [p for p in (text.find(",", end), text.find(";", end)) if p != -1] + [len(text)]
    )
    window = text[clause_start:start] + " " + text[end : min(nxt, clause_end)]
    mem_m = _MEM.search(window)
    memory = mem_m.group(1) if mem_m else None
    if memory is None:  # '2x RTX 3090 GPUs, 24GB VRAM each'
        each = re.search(r"(\d+)\s*GB\s*(?:VRAM\s*|memory\s*)?each", text[end:nxt], re.I)
        memory = each.group(1) if each else None
    if memory and count and "in total" in window.lower() and "/" not in memory:
        memory = str(int(memory) // count)
    return memory


def _pair_alternatives(mentions: list[GpuMention]) -> list[GpuMention]:
    """An 'X or Y GPUs' pair shares the count stated before X."""
    for i in range(1, len(mentions)):
        if mentions[i].alternative and mentions[i - 1].alternative is False:
            prev = mentions[i - 1]
            mentions[i - 1] = GpuMention(prev.gpu, prev.count, prev.memory_gb, True)
            if mentions[i].count in (None, 1) and prev.count:
                mentions[i] = GpuMention(mentions[i].gpu, prev.count, mentions[i].memory_gb, True)
    return mentions


_GPU_LIKE = re.compile(
    r"(?<![\w-])(?:(?:GTX|RTX|Quadro|Tesla|TITAN)\s*[A-Z]?\d{3,4}\w*|[AHLV]\d{2,4}S?)(?![\w])", re.I
)


def unmatched_gpu_like(text: str, mentions: list[GpuMention]) -> list[str]:
    """GPU-looking product names in ``text`` that no mention covers (to report, never to drop)."""
    rest = text
    for m in mentions:
        rest = re.sub(re.escape(m.gpu), " ", rest, flags=re.I)
    return [m.group(0) for m in _GPU_LIKE.finditer(rest)]


def find_names(text: str, spellings: list[str]) -> list[str]:
    """Spellings that occur in free text as whole words, longest first, non-overlapping."""
    taken = [False] * len(text)
    hits: list[tuple[int, str]] = []
    for sp in sorted(spellings, key=len, reverse=True):
        pattern = re.compile(r"(?<![\w])" + re.escape(sp) + r"(?![\w])", re.IGNORECASE)
        for m in pattern.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            hits.append((m.start(), sp))
    return [sp for _, sp in sorted(hits)]
