"""Stored questions (documents) and their rules; doc ids are append-only, removal is a tombstone."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

_BIG = 1 << 20  # elements


class GrowArray:
    """An append-only numpy array with amortised O(1) appends."""

    def __init__(self, dtype: type, fill: object = 0) -> None:
        self._data: np.ndarray = np.full(1024, fill, dtype=dtype)
        self.size = 0

    @classmethod
    def of(cls, values: np.ndarray) -> GrowArray:
        """Adopt an array as the contents (no copy: a million-question build hands over big arrays)."""
        base = values.base  # scipy hands out whole-array views: own the buffer, so it can grow in place
        if isinstance(base, np.ndarray) and base.flags.owndata and base.shape == values.shape:
            values = base if base.dtype == values.dtype and base.ctypes.data == values.ctypes.data else values
        out = cls.__new__(cls)
        out._data, out.size = values, len(values)
        return out

    def extend(self, values: np.ndarray | list[Any]) -> None:
        values = np.asarray(values, dtype=self._data.dtype)
        need = self.size + len(values)
        if need > len(self._data):
            self._grow(need)
        self._data[self.size : need] = values
        self.size = need

    def reserve(self) -> None:
        """Make room for later appends now (a build does it, so that the first update does not pay)."""
        if len(self._data) - self.size < len(self._data) // 128:
            self._grow(self.size + 1)

    def _grow(self, need: int) -> None:
        """Small arrays double (a copy). Big ones (a million questions hold arrays of 100M entries) grow by
        a sixty-fourth in place: realloc remaps their pages instead of copying them, and only the new room
        is touched, so a one-rule update does not stall for a second on copying half a gigabyte."""
        have = len(self._data)
        if have >= _BIG:
            try:
                self._data.resize(max(need, have + have // 64), refcheck=True)
                return
            except ValueError:  # a view of the buffer is still alive, or the buffer is borrowed: copy
                pass
        # np.empty: the spare room is not resident until written
        grown = np.empty(max(need, 2 * have), dtype=self._data.dtype)
        grown[: self.size] = self._data[: self.size]
        self._data = grown

    @property
    def view(self) -> np.ndarray:
        return self._data[: self.size]

    def raw(self) -> np.ndarray:
        """The whole buffer (writes to [:size] are visible)."""
        return self._data


_BLOCK = 4096


class TextColumn:
    """Append-only strings packed as UTF-8 blocks: a million short questions cost tens of megabytes, not
    the hundreds a list of Python strings takes. Reading one is a slice and a decode (about a microsecond),
    done only for the few candidates of a query."""

    def __init__(self) -> None:
        self._blocks: list[tuple[bytes, np.ndarray]] = []  # full blocks: data, offsets (BLOCK + 1)
        self._tail: list[str] = []

    def __len__(self) -> int:
        return len(self._blocks) * _BLOCK + len(self._tail)

    def extend(self, texts: list[str]) -> None:
        i = 0
        while i < len(texts):
            if not self._tail and len(texts) - i >= _BLOCK:
                whole = (len(texts) - i) // _BLOCK * _BLOCK
                for start in range(i, i + whole, _BLOCK * 64):
                    self._blocks.extend(_pack(texts[start : min(start + _BLOCK * 64, i + whole)]))
                i += whole
                continue
            room = _BLOCK - len(self._tail)
            self._tail.extend(texts[i : i + room])
            i += room
            if len(self._tail) == _BLOCK:
                self._blocks.extend(_pack(self._tail))
                self._tail = []

    def append(self, text: str) -> None:
        self.extend([text])

    def __getitem__(self, i: int) -> str:
        block, j = divmod(int(i), _BLOCK)
        if block < len(self._blocks):
            data, offsets = self._blocks[block]
            return data[offsets[j] : offsets[j + 1]].decode("utf-8")
        return self._tail[j]

    def many(self, ids: Iterable[int]) -> list[str]:
        return [self[i] for i in ids]


def _pack(texts: list[str]) -> list[tuple[bytes, np.ndarray]]:
    """Blocks of `_BLOCK` texts (the last may be short): UTF-8 data and offsets. One encode for them all;
    the offsets come from the UTF-8 width of each code point."""
    joined = "".join(texts)
    data = joined.encode("utf-8")
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    width = 1 + (codes >= 0x80).astype(np.int64) + (codes >= 0x800) + (codes >= 0x10000)
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    offsets = np.concatenate([[0], np.cumsum(width)])[np.concatenate([[0], ends])]
    out = []
    for lo in range(0, len(texts), _BLOCK):
        mine = offsets[lo : lo + _BLOCK + 1]
        out.append((data[int(mine[0]) : int(mine[-1])], mine - mine[0]))
    return out


class DocStore:
    """Every stored question: its rule, its normalised text, the original text, and whether it is live."""

    def __init__(self) -> None:
        self.rule_ids: list[str] = []
        self.rule_code: dict[str, int] = {}
        self.rule_docs: dict[int, list[int]] = {}  # live docs per rule code
        self.doc_rule = GrowArray(np.int32, -1)
        self.live = GrowArray(np.bool_, False)
        self.learned = GrowArray(np.bool_, False)  # learned from pairs, not a question the robot owner wrote
        self.texts = TextColumn()  # normalised
        self.originals = TextColumn()  # as written (shown to visitors); "" when equal to the normalised text
        self.n_dead = 0

    @property
    def n_docs(self) -> int:
        return len(self.texts)

    @property
    def n_live(self) -> int:
        return self.n_docs - self.n_dead

    def code(self, rule_id: str) -> int:
        code = self.rule_code.get(rule_id)
        if code is None:
            code = len(self.rule_ids)
            self.rule_ids.append(rule_id)
            self.rule_code[rule_id] = code
        return code

    def add(self, rule_id: str, texts: list[str], originals: list[str], learned: bool = False) -> list[int]:
        first = self.n_docs
        self.add_rules([(rule_id, len(texts))], texts, originals, learned)
        return list(range(first, first + len(texts)))

    def add_rules(self, rules: list[tuple[str, int]], texts: list[str], originals: list[str], learned: bool) -> None:
        """Add the questions of several rules at once: `rules` holds (rule id, number of its questions), in
        the order of `texts`."""
        first = self.n_docs
        codes = np.array([self.code(rule_id) for rule_id, _ in rules], dtype=np.int32)
        sizes = np.array([size for _, size in rules], dtype=np.int64)
        self.texts.extend(texts)
        self.originals.extend(["" if o == t else o for o, t in zip(originals, texts, strict=True)])
        self.doc_rule.extend(np.repeat(codes, sizes))
        self.live.extend(np.ones(len(texts), np.bool_))
        self.learned.extend(np.full(len(texts), learned, np.bool_))
        ends = (first + np.cumsum(sizes)).tolist()
        for code, end, size in zip(codes.tolist(), ends, sizes.tolist(), strict=True):
            self.rule_docs.setdefault(code, []).extend(range(end - size, end))

    def original(self, doc: int) -> str:
        return self.originals[doc] or self.texts[doc]

    def remove_rule(self, rule_id: str, learned_too: bool = True) -> list[int]:
        """Tombstone a rule's docs; returns the doc ids removed."""
        code = self.rule_code.get(rule_id)
        if code is None:
            return []
        docs = self.rule_docs.get(code, [])
        learned = self.learned.view
        gone = [d for d in docs if learned_too or not learned[d]]
        self.rule_docs[code] = [d for d in docs if not (learned_too or not learned[d])]
        if not self.rule_docs[code]:
            del self.rule_docs[code]
        self.live.raw()[gone] = False
        self.n_dead += len(gone)
        return gone

    def live_docs(self, code: int) -> list[int]:
        return self.rule_docs.get(code, [])

    def has_rule(self, rule_id: str) -> bool:
        code = self.rule_code.get(rule_id)
        return code is not None and bool(self.rule_docs.get(code))
