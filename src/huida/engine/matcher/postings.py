"""The inverted index of one robot: TF-IDF cosine per field (words, characters, pinyin), all fields in one
structure so that a question costs one vocabulary lookup and one postings pass, not one per field.

- Term-major postings (per term: its docs ascending and their normalised weights): candidate generation.
  Docs added after the last compaction sit in a small delta segment, rebuilt in milliseconds;
  `compact()` merges it, drops removed docs and re-weights everything with the current idf.
- Doc-major rows (term ids and frequencies per doc): statistics on removal, compaction, coverage features
  and classifier features.

Scores are cosine similarities per field (sublinear tf, smoothed idf, L2 norm per field): in [0, 1] for
every question and every robot, which the fusion and the calibration rely on. The first big batch (a
million questions) arrives as sparse term counts (bulk.py) that become the rows as they are; the postings
are their transpose. Term ids change on compaction, so everything outside keeps keys (terms.py).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from huida.engine.matcher.bulk import DocTerms
from huida.engine.matcher.store import GrowArray
from huida.engine.matcher.terms import field_of

N_FIELDS = 3
_U = np.uint64
_SLICE = 1 << 20  # entries per slice of the whole-index passes: bounds their temporaries (~10 MB each)


@dataclass(slots=True)
class Terms:
    """A question's terms."""

    ids: np.ndarray  # term ids, ascending
    weights: np.ndarray  # cosine weights, normalised per field
    fields: np.ndarray  # field of each term
    singles: np.ndarray  # ids of its single units (words, characters, syllables), ascending
    mass: np.ndarray  # per field: idf total of its single units, unknown ones at the highest idf

    @classmethod
    def empty(cls) -> Terms:
        z = np.zeros(0, np.int64)
        return cls(z, np.zeros(0), z, z, np.zeros(N_FIELDS))


@dataclass(slots=True)
class Segment:
    """Term-major postings of a range of docs."""

    ptr: np.ndarray  # int64 (n_terms + 1): postings of term t are [ptr[t], ptr[t + 1])
    docs: np.ndarray  # int32 doc ids, ascending within a term
    weights: np.ndarray  # float32 normalised doc weights

    @classmethod
    def empty(cls) -> Segment:
        return cls(np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32))

    def gather(self, ids: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Postings of several terms at once: (doc ids, query weight x doc weight, index of the term)."""
        inside = ids < len(self.ptr) - 1
        if not inside.all():
            ids, weights = ids[inside], weights[inside]
        index, which = _spans(self.ptr, ids)
        return self.docs[index], self.weights[index] * weights[which], which


def _spans(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the entries of the given rows of a CSR-like layout, and the row index of each."""
    starts = ptr[rows]
    lengths = ptr[rows + 1] - starts
    which = np.repeat(np.arange(len(rows)), lengths)
    index = np.arange(len(which)) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return index, which


class _Slots(threading.local):
    """A per-thread id -> position table (-1 elsewhere), reset after each use: membership of many entries
    in a small set is then one gather, at any index size."""

    def __init__(self) -> None:
        self.table = np.zeros(0, np.int32)

    def get(self, size: int) -> np.ndarray:
        if len(self.table) < size:
            self.table = np.full(max(size, 2 * len(self.table), 1024), -1, np.int32)
        return self.table


SLOTS = _Slots()


class Postings:
    def __init__(self) -> None:
        self.keys = np.zeros(0, _U)  # sorted keys of the base vocabulary (term id = position)
        self.extra: dict[int, int] = {}  # keys first seen after the last compaction -> term id
        self._extra_keys: list[int] = []  # the same keys in id order
        self.generation = 0  # bumped whenever term ids are renumbered (build, compaction)
        self.df = GrowArray(np.int32, 0)
        self.n_live = 0
        self.row_ptr = GrowArray(np.int64, 0)
        self.row_ptr.extend([0])
        self.row_terms = GrowArray(np.int32, 0)
        self.row_tf = GrowArray(np.uint8, 0)
        self.norm = GrowArray(np.float32, 1)  # per (doc, field): doc * N_FIELDS + field
        self.base = Segment.empty()
        self.base_end = 0  # docs below this id are in the base segment
        self._delta: Segment | None = None

    @property
    def n_terms(self) -> int:
        return len(self.keys) + len(self.extra)

    @property
    def n_rows(self) -> int:
        return self.row_ptr.size - 1

    # --- vocabulary -------------------------------------------------------------------------------------
    def lookup(self, keys: np.ndarray, grow: bool = False) -> np.ndarray:
        """Term ids of keys (-1: unknown, unless `grow` assigns new ids in order of first appearance)."""
        ids = np.full(len(keys), -1, dtype=np.int64)
        if len(self.keys):
            at = np.searchsorted(self.keys, keys)
            at[at == len(self.keys)] = 0
            found = self.keys[at] == keys
            ids[found] = at[found]
        if self.extra or grow:
            for i in np.flatnonzero(ids < 0).tolist():
                key = int(keys[i])
                tid = self.extra.get(key)
                if tid is None and grow:
                    tid = self.extra[key] = self.n_terms
                    self._extra_keys.append(key)
                ids[i] = -1 if tid is None else tid
        return ids

    def all_keys(self) -> np.ndarray:
        """Key of every term id."""
        return np.concatenate([self.keys, np.array(self._extra_keys, dtype=_U)])

    def key_of(self, ids: np.ndarray) -> np.ndarray:
        keys: np.ndarray = self.keys[ids] if not self.extra else self.all_keys()[ids]
        return keys

    def idf(self, ids: np.ndarray) -> np.ndarray:
        idf: np.ndarray = np.log((self.n_live + 1) / (self.df.view[ids] + 1.0)) + 1.0
        return idf

    def max_idf(self) -> float:
        return math.log(self.n_live + 1) + 1.0

    # --- changes ----------------------------------------------------------------------------------------
    def add(self, first_doc: int, counts: DocTerms) -> None:
        """Index docs `first_doc ..` (they must follow the indexed ones), given their term counts."""
        n_docs = counts.n_docs
        if n_docs <= 0:
            return
        assert first_doc == self.n_rows
        self.n_live += n_docs
        if self.n_terms == 0 and self.base_end == 0 and n_docs > 1000:
            self._build(first_doc, counts)
            return
        ids = self.lookup(counts.keys, grow=True)[counts.cols]
        self.df.extend(np.zeros(self.n_terms - self.df.size, np.int32))
        if len(ids) * 8 < self.n_terms:  # one rule changed: touch only its terms
            np.add.at(self.df.raw(), ids, 1)
        else:
            self.df.raw()[: self.n_terms] += np.bincount(ids, minlength=self.n_terms).astype(np.int32)
        offsets = np.repeat(np.arange(n_docs, dtype=np.int64), np.diff(counts.indptr))
        self._append_rows(n_docs, offsets, ids, counts.tf)
        self._delta = None

    def _append_rows(self, n_docs: int, offsets: np.ndarray, ids: np.ndarray, tf: np.ndarray) -> None:
        counts = np.bincount(offsets, minlength=n_docs)
        self.row_ptr.extend(self.row_ptr.view[-1] + np.cumsum(counts))
        self.row_terms.extend(ids.astype(np.int32))
        self.row_tf.extend(np.minimum(tf, 255).astype(np.uint8))
        raw, fields = self._entries(ids, tf)
        slot = offsets * N_FIELDS + fields
        sq = np.bincount(slot, raw * raw, minlength=n_docs * N_FIELDS)
        self.norm.extend(np.sqrt(np.maximum(sq, 1e-24)).astype(np.float32))

    def _build(self, first_doc: int, counts: DocTerms) -> None:
        """First batch (or a compaction's surviving rows): the rows are the counts themselves; the postings
        are their transpose (scipy's linear-time CSR to CSC, docs ascending per term). The transpose moves the
        one-byte counts, not float weights, which are then computed a slice of postings at a time: no float
        copy of every entry (450 MB at a million questions) beside the transposed one."""
        self.keys = counts.keys
        self.generation += 1
        n_docs, terms = counts.n_docs, counts.cols
        self.df = GrowArray.of(np.bincount(terms, minlength=len(self.keys)).astype(np.int32))
        self.row_ptr = GrowArray.of(np.concatenate([self.row_ptr.view, self.row_ptr.view[-1] + counts.indptr[1:]]))
        self.row_terms = GrowArray.of(terms.astype(np.int32, copy=False))
        tf = counts.tf  # a compaction hands over stored counts (uint8, already capped): no copy
        self.row_tf = GrowArray.of(tf if tf.dtype == np.uint8 else np.minimum(tf, 255).astype(np.uint8))
        del tf
        counts.tf = np.zeros(0, np.int32)
        idf = self.idf(np.arange(len(self.keys)))
        fields = field_of(self.keys).astype(np.int8)
        # 1 + log(tf) by table: nearly every tf is 1, and the table holds the very same float64 values
        sublinear = 1.0 + np.log(np.arange(1, int(self.row_tf.view.max(initial=1)) + 1, dtype=np.float64))
        norm = self._build_norms(counts.indptr, self.row_terms.view, self.row_tf.view, idf, fields, sublinear)
        self.norm = GrowArray.of(np.concatenate([self.norm.view, norm]))
        shape = (n_docs, len(self.keys))
        by_term = sp.csr_matrix((self.row_tf.view, self.row_terms.view, counts.indptr), shape=shape).tocsc()
        counts.cols = np.zeros(0, np.int32)  # the last views of the rows: now they can grow in place
        del terms
        weights = np.empty(len(by_term.data), np.float32)
        for lo, hi in _doc_slices(by_term.indptr):  # here a slice of terms
            a, b = by_term.indptr[lo], by_term.indptr[hi]
            t = np.repeat(np.arange(lo, hi), np.diff(by_term.indptr[lo : hi + 1]))
            raw = sublinear[by_term.data[a:b].astype(np.int64) - 1] * idf[t]
            weights[a:b] = raw / norm[by_term.indices[a:b].astype(np.int64) * N_FIELDS + fields[t]]
        ptr, docs = by_term.indptr.astype(np.int64), by_term.indices
        del by_term
        for rows in (self.row_ptr, self.row_terms, self.row_tf, self.norm):
            rows.reserve()
        self.base = Segment(ptr, docs + np.int32(first_doc) if first_doc else docs, weights)
        self.base_end = first_doc + n_docs

    @staticmethod
    def _build_norms(
        indptr: np.ndarray,
        terms: np.ndarray,
        tf: np.ndarray,
        idf: np.ndarray,
        fields: np.ndarray,
        sublinear: np.ndarray,
    ) -> np.ndarray:
        """L2 norm of each (doc, field) row vector, a slice of docs at a time (bounded float temporaries)."""
        n_docs = len(indptr) - 1
        norm = np.empty(n_docs * N_FIELDS, np.float32)
        for lo, hi in _doc_slices(indptr):
            a, b = indptr[lo], indptr[hi]
            t = terms[a:b]
            raw = sublinear[tf[a:b].astype(np.int64) - 1] * idf[t]
            slot = np.repeat(np.arange(hi - lo) * N_FIELDS, np.diff(indptr[lo : hi + 1])) + fields[t]
            sq = np.bincount(slot, raw * raw, minlength=(hi - lo) * N_FIELDS)
            norm[lo * N_FIELDS : hi * N_FIELDS] = np.sqrt(np.maximum(sq, 1e-24))
        return norm

    def _segment(self, ptr: np.ndarray, term: np.ndarray, docs: np.ndarray, tf: np.ndarray) -> Segment:
        raw, fields = self._entries(term, tf)
        norm = self.norm.view[docs * N_FIELDS + fields]
        return Segment(ptr, docs.astype(np.int32), (raw / norm).astype(np.float32))

    def _entries(self, term: np.ndarray, tf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unnormalised weight, (1 + log tf) * idf, and field of (term, tf) entries. Many entries (a build,
        a compaction) go through per-term tables: entries outnumber terms a hundredfold, and the hash
        arithmetic and logarithms per entry were most of a compaction. Same float64 values either way."""
        if len(term) < 4 * self.n_terms:  # one rule changed: a table of every term would cost more
            return (1.0 + np.log(tf.astype(np.float64))) * self.idf(term), field_of(self.key_of(term))
        idf = self.idf(np.arange(self.n_terms))
        fields = field_of(self.all_keys())
        sublinear = 1.0 + np.log(np.arange(1, int(tf.max(initial=1)) + 1, dtype=np.float64))
        return sublinear[tf - 1] * idf[term], fields[term]

    def remove(self, docs: list[int]) -> None:
        """Forget removed docs in the statistics (their rows and postings stay until compaction, masked)."""
        if docs:
            index, _ = _spans(self.row_ptr.view, np.asarray(docs, dtype=np.int64))
            np.subtract.at(self.df.raw(), self.row_terms.view[index], 1)
            self.n_live -= len(docs)

    def delta_size(self) -> int:
        return self.n_rows - self.base_end

    def delta(self) -> Segment | None:
        if self.delta_size() <= 0:
            return None
        if self._delta is None:
            docs = np.arange(self.base_end, self.n_rows, dtype=np.int64)
            index, which = _spans(self.row_ptr.view, docs)
            term = self.row_terms.view[index].astype(np.int64)
            order = np.lexsort((which, term))
            term, doc = term[order], docs[which[order]]
            ptr = np.searchsorted(term, np.arange(self.n_terms + 1)).astype(np.int64)
            self._delta = self._segment(ptr, term, doc, self.row_tf.view[index][order].astype(np.int64))
        return self._delta

    def compact(self, live: np.ndarray) -> None:
        """Merge the delta into the base, drop removed docs' rows and postings, renumber terms by key and
        re-weight everything with the current idf: a build over the surviving rows. Compaction runs at every
        refresh after a change; at a million questions sorting every posting took 48 s CPU and 15 GB at
        its peak, this 6-8 s and about the build's peak memory."""
        n = self.n_rows
        self.base, self._delta = Segment.empty(), None  # rebuilt from the rows: free the old postings first
        lengths = np.diff(self.row_ptr.view)
        per_doc = lengths * live[:n]
        terms, tf = self.row_terms.view, self.row_tf.view
        if self.n_live < n:  # removed docs: keep the others' entries
            keep = np.repeat(live[:n], lengths)
            terms, tf = terms[keep], tf[keep]
            del keep
        used = np.flatnonzero(np.bincount(terms, minlength=self.n_terms))
        used_keys = self.all_keys()[used]
        order = np.argsort(used_keys)
        remap = np.zeros(self.n_terms, np.int32)
        remap[used[order]] = np.arange(len(used), dtype=np.int32)
        # Renumbered in place, a slice at a time: the old numbering is not read again, so a renumbered copy of
        # every entry (450 MB at a million questions) need not sit beside the old rows.
        for lo in range(0, len(terms), _SLICE):
            terms[lo : lo + _SLICE] = remap[terms[lo : lo + _SLICE]]
        indptr = np.concatenate([[0], np.cumsum(per_doc)])
        counts = DocTerms(used_keys[order], indptr, terms, tf)
        del terms, tf
        self.row_terms, self.row_tf = GrowArray(np.int32), GrowArray(np.uint8)  # the old rows, freed
        self.extra, self._extra_keys = {}, []
        self.n_live = int(live[:n].sum())
        self.row_ptr = GrowArray.of(np.zeros(1, np.int64))
        self.norm = GrowArray.of(np.zeros(0, np.float32))
        self._build(0, counts)

    # --- querying ---------------------------------------------------------------------------------------
    def query(self, keys: list[int]) -> Terms:
        """The question's terms: ids (ascending) and weights, L2-normalised per field over all its terms of
        that field (unknown terms count too, with the highest idf, so a question full of words the robot
        never saw scores low everywhere), and its single units with their idf mass per field."""
        if not keys or not self.n_terms:
            return Terms.empty()
        counts = Counter(keys)
        distinct = np.fromiter(counts, dtype=_U, count=len(counts))
        ids = self.lookup(distinct)
        fields = field_of(distinct)
        single = (distinct & _U(1)).astype(bool)
        tfw = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        known = ids >= 0
        idf = np.full(len(ids), self.max_idf())
        idf[known] = self.idf(ids[known])
        w = tfw * idf
        norm = np.sqrt(np.bincount(fields, w * w, N_FIELDS))
        w = w / np.maximum(norm[fields], 1e-12)
        mass = np.bincount(fields[single], idf[single], N_FIELDS)
        keep = known.copy()
        keep[known] = self.df.view[ids[known]] > 0
        ids, w, fields, single = ids[keep], w[keep], fields[keep], single[keep]
        order = np.argsort(ids)
        ids = ids[order]
        return Terms(ids, w[order], fields[order], ids[single[order]], mass)

    def segments(self) -> list[Segment]:
        delta = self.delta()
        return [self.base] if delta is None else [self.base, delta]

    def postings(self, ids: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(doc ids, contributions, index of the query term) of the given terms, every segment."""
        parts = [seg.gather(ids, weights) for seg in self.segments()]
        if len(parts) == 1:
            return parts[0]
        return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))  # type: ignore[return-value]

    def coverage(self, q: Terms, docs: np.ndarray, fields: tuple[int, ...]) -> np.ndarray:
        """(len(docs), 2 * len(fields)): per field, the share of the question's single-unit idf mass that
        each doc covers, then the share of the doc's that the question covers (asymmetric overlap: a short
        stored question inside a long visitor question, or the reverse)."""
        index, which = _spans(self.row_ptr.view, np.asarray(docs, dtype=np.int64))
        terms = self.row_terms.view[index].astype(np.int64)
        keys = self.key_of(terms)
        slot = np.full(N_FIELDS, -1, np.int64)
        slot[list(fields)] = np.arange(len(fields))
        col = slot[field_of(keys)]
        mine = ((keys & _U(1)) == _U(1)) & (col >= 0)
        terms, which, col = terms[mine], which[mine], col[mine]
        idf = self.idf(terms)
        k = len(fields)
        d_mass = np.bincount(which * k + col, idf, len(docs) * k).reshape(len(docs), k)
        table = SLOTS.get(self.n_terms)
        table[q.singles] = 0
        shared_mask = table[terms] >= 0
        table[q.singles] = -1
        shared = np.bincount((which * k + col)[shared_mask], idf[shared_mask], len(docs) * k).reshape(len(docs), k)
        q_mass = np.maximum(q.mass[list(fields)], 1e-12)
        return np.column_stack([shared / q_mass, shared / np.maximum(d_mass, 1e-12)])

    def matrix_rows(self, docs: np.ndarray, fields: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row index, term id, weight) of the given docs' vectors in some fields (classifier features)."""
        docs = np.asarray(docs, dtype=np.int64)
        index, which = _spans(self.row_ptr.view, docs)
        terms = self.row_terms.view[index].astype(np.int64)
        f = field_of(self.key_of(terms))
        keep = np.isin(f, fields)
        terms, which, f = terms[keep], which[keep], f[keep]
        tf = self.row_tf.view[index][keep].astype(np.float64)
        vals = (1.0 + np.log(tf)) * self.idf(terms) / self.norm.view[docs[which] * N_FIELDS + f]
        return which, terms, vals


def _doc_slices(indptr: np.ndarray, size: int = _SLICE) -> list[tuple[int, int]]:
    """Ranges of docs holding about `size` entries each."""
    inside = np.searchsorted(indptr, np.arange(size, int(indptr[-1]), size), side="right") - 1
    bounds = np.unique(np.concatenate([[0], inside, [len(indptr) - 1]])).tolist()
    return list(zip(bounds, bounds[1:], strict=False))
