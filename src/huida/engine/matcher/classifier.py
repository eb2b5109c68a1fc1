"""A per-robot linear classifier over the rules' similar questions (word and character n-gram features).

Intent-style knowledge (dozens of phrasings per rule) is where nearest-neighbour matching is weakest and a
linear model is strongest: it learns which words matter for *this* rule rather than for the language.
Features are the index's own TF-IDF vectors; columns are remembered by term key, so the model survives the
index renumbering its terms (compaction) until the next refresh retrains it.
"""

from __future__ import annotations

import numpy as np

from huida.engine.matcher.index import LexicalIndex
from huida.engine.matcher.postings import Terms
from huida.engine.matcher.terms import CHAR, WORD

FEATURE_FIELDS = (WORD, CHAR)


def preload() -> None:
    """Import the learning stack (scikit-learn, SciPy) now rather than at a robot's first training: a server
    that reaches it sooner or later pays its ~60 MB and its seconds of import at start, not in a refresh."""
    import scipy.sparse  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    import sklearn.svm  # noqa: F401


class RuleClassifier:
    def __init__(self, classes: np.ndarray, coef_t: np.ndarray, intercept: np.ndarray, keys: np.ndarray):
        self.classes = classes  # rule codes, one per output
        self._coef_t = coef_t  # (features, classes), float32: row slices per query term are cheap
        self._intercept = intercept
        self._keys = keys  # the term key of each column, sorted
        self._remap: tuple[int, np.ndarray] = (-1, np.zeros(0, np.int64))  # index term id -> column

    @classmethod
    def train(cls, index: LexicalIndex, docs: np.ndarray, seed: int = 0) -> RuleClassifier | None:
        import scipy.sparse as sp
        from sklearn.svm import LinearSVC

        labels = index.store.doc_rule.view[docs]
        if len(np.unique(labels)) < 2:
            return None
        p = index.postings
        rows, terms, vals = p.matrix_rows(docs, FEATURE_FIELDS)
        used = np.unique(terms)
        keys = p.key_of(used)
        order = np.argsort(keys)
        keys = keys[order]
        column = np.zeros(p.n_terms, np.int64)
        column[used[order]] = np.arange(len(used))
        x = sp.csr_matrix((vals, (rows, column[terms])), shape=(len(docs), len(keys)))
        # C = 1: LinearSVC's default; on the intent-style benchmark knowledge 0.5 and 2 were within noise
        # of it in cross-validation over the knowledge's own questions.
        model = LinearSVC(C=1.0, random_state=seed, max_iter=2000).fit(x, labels)
        coef = model.coef_ if len(model.classes_) > 2 else np.vstack([-model.coef_[0], model.coef_[0]])
        intercept = model.intercept_ if len(model.classes_) > 2 else np.array([-1.0, 1.0]) * model.intercept_[0]
        return cls(
            model.classes_.astype(np.int32),
            np.ascontiguousarray(coef.T, dtype=np.float32),
            intercept.astype(np.float32),
            keys,
        )

    def _columns(self, index: LexicalIndex, ids: np.ndarray) -> np.ndarray:
        """Column of each index term id (-1: the model never saw it)."""
        p = index.postings
        gen, table = self._remap
        if gen != p.generation:  # terms were renumbered (compaction): start again
            table = np.zeros(0, np.int64)
        if len(table) < p.n_terms:  # new terms since: extend the table by key lookup
            keys = p.key_of(np.arange(len(table), p.n_terms))
            at = np.searchsorted(self._keys, keys)
            at[at == len(self._keys)] = 0
            found = self._keys[at] == keys if len(self._keys) else np.zeros(len(keys), bool)
            table = np.concatenate([table, np.where(found, at, -1)])
        self._remap = (p.generation, table)
        columns: np.ndarray = table[ids]
        return columns

    def margins(self, index: LexicalIndex, terms: Terms) -> np.ndarray:
        """Decision value per class (same order as `classes`), from the question's index terms."""
        out = self._intercept.copy()
        if len(terms.ids):
            cols = self._columns(index, terms.ids)
            inside = (cols >= 0) & np.isin(terms.fields, FEATURE_FIELDS)
            if inside.any():
                out += terms.weights[inside].astype(np.float32) @ self._coef_t[cols[inside]]
        return out
