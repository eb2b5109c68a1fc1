"""HybridMatcher: every signal, fused into one calibrated confidence per rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from huida.engine.matcher import judging, terms, training
from huida.engine.matcher.calibration import CvSample, calibrate
from huida.engine.matcher.classifier import RuleClassifier
from huida.engine.matcher.dense import DenseVectors
from huida.engine.matcher.encoder import EncoderScorer
from huida.engine.matcher.exact import EXACT_SCORE, exact_first, exact_rules
from huida.engine.matcher.features import Query, rule_features
from huida.engine.matcher.fusion import Fusion
from huida.engine.matcher.graph import GraphScorer
from huida.engine.matcher.index import DocScores, LexicalIndex
from huida.engine.matcher.judging import has_both_labels
from huida.engine.matcher.pairs import PairLearning, PairModel, TermAssociations, pairs_for_knowledge
from huida.engine.matcher.postings import Terms
from huida.engine.matcher.types import Candidate, Explained, KnowledgeItem, MatcherOptions, Signal, Thresholds
from huida.engine.text import Tokenizer, normalize

_POOL_DOCS = 64  # docs pulled by the combined lexical score before grouping by rule
_POOL_RULES = 20  # candidate rules scored by the fusion
_EXTRA_RULES = 5  # the classifier's (and the translated question's) best rules always join the candidates
_RULE_DOCS = 8  # questions of a candidate rule scored exactly: its best ones by the rare-term score
_WORD_CACHE = 50_000

Similarity = Callable[[str, list[str]], np.ndarray]  # a question and texts -> a similarity per text


@dataclass(slots=True)
class Candidates:
    rules: list[int]  # rule codes
    feats: np.ndarray  # one row per rule
    best: list[int]  # best doc of each rule
    exact: dict[int, int]  # rule code -> an owner-written question of it equal to the asked one (exact.py)


@dataclass(slots=True)
class Ranked:
    candidates: list[Candidate]  # best first
    rows: list[int]  # each candidate's row in `feats`
    feats: np.ndarray  # Candidates.feats


class HybridMatcher:
    """One robot's matcher.

    Lifecycle: `build_matcher(items)` (index, classifier, fusion, thresholds) -> `search` many times ->
    `upsert` / `remove` / `learn_pairs` for single changes (milliseconds; the index is updated in place and
    new rules are scored by the existing fusion) -> `refresh()` in the background after changes, which
    retrains the classifier and fusion and recalibrates `thresholds`.

    Concurrency: `search` only reads (its caches tolerate races); changes must not run concurrently with
    searches - change a copy and swap it in, or guard changes with a lock.
    """

    def __init__(self, options: MatcherOptions | None = None) -> None:
        self.options = options or MatcherOptions()
        self.tokenizer = Tokenizer(self.options.domain_terms)
        self.index = LexicalIndex(self.tokenizer)
        self.pairs: PairLearning | None = self.options.pairs
        self.embedder = self.options.embedder
        self.dense = DenseVectors() if self.embedder is not None else None
        self.classifier: RuleClassifier | None = None
        self.fusion = Fusion.prior()
        self.thresholds = Thresholds(answer=1.0, recommend=1.0)
        self.stale = True  # knowledge changed since the classifier, fusion and thresholds were learned
        self._samples: list[CvSample] | None = None
        self.fusion_learned = False  # the last refresh learned the fusion from held-out evidence
        self.classifier_reason = "not trained yet"
        self._paraphrases = True  # held-out evidence includes real rephrasings (not only perturbed copies)
        self._word_cache: dict[str, list[str]] = {}
        self._known_vectors: dict[str, np.ndarray] = {}  # embeddings of the questions a refresh asks itself
        self._scorers: dict[str, tuple[object, GraphScorer | EncoderScorer]] = {}  # pair signal -> (model, scorer)
        # The pair signals computed: until a refresh judges them (on this robot's own held-out questions),
        # all that pairs taught; afterwards only those that helped.
        self.pair_signals = self.available_pair_signals()

    # kept for callers of the first version
    @property
    def associations(self) -> TermAssociations | None:
        return self.pairs.associations if self.pairs else None

    @property
    def pair_model(self) -> PairModel | None:
        return self.pairs.model if self.pairs else None

    # --- knowledge --------------------------------------------------------------------------------------
    def add_items(self, items: Iterable[KnowledgeItem]) -> None:
        """Bulk add (rules must be new); call `refresh()` afterwards."""
        docs = self.index.add_many([(item.rule_id, list(item.questions)) for item in items])
        self._embed(docs)
        self._changed()

    def upsert(self, item: KnowledgeItem) -> None:
        """Add or replace one rule; learned phrasings of the rule survive an edit."""
        self.index.remove_rule(item.rule_id, learned_too=False)
        docs = self.index.add_many([(item.rule_id, list(item.questions))])
        self._embed(docs)
        self._changed()

    def remove(self, rule_id: str) -> None:
        self.index.remove_rule(rule_id, learned_too=True)
        self._changed()

    def learn_pairs(self, pairs: Iterable[tuple[str, str]]) -> None:
        """(question, rule_id) pairs (clicked recommendations, confirmed answers, imported logs) become
        extra phrasings of known rules; unknown rule ids are ignored."""
        by_rule: dict[str, list[str]] = {}
        for question, rule_id in pairs:
            if self.index.store.has_rule(rule_id):
                by_rule.setdefault(rule_id, []).append(question)
        docs = self.index.add_many(list(by_rule.items()), learned=True)
        self._embed(docs)
        self._changed()

    def learn_labelled_pairs(self, pairs: Iterable[tuple[str, str, int]], add_phrasings: bool = False) -> PairLearning:
        """Labelled `q1, q2, label` pairs: learn what they teach (see pairs.PairLearning), use it, and return
        it (save it; pass it back via MatcherOptions.pairs). Call `refresh()` afterwards: it keeps only the
        pair signals that rank the robot's own held-out questions better, and learns how far to trust them.
        `add_phrasings` also files the partner of a stored question under that question's rule; off by
        default: pair labels from another split are too loose to stand as the owner's own phrasings."""
        pairs = list(pairs)
        learned = PairLearning.learn(pairs, self.tokenizer, self.options.seed)
        self.use_pair_learning(learned)
        if add_phrasings:
            self.learn_pairs(pairs_for_knowledge(pairs, self.items()))
        return learned

    def use_pair_learning(self, learned: PairLearning | None) -> None:
        self.pairs = learned
        self.pair_signals = self.available_pair_signals()
        self._scorers.clear()
        self._changed()

    def items(self) -> list[KnowledgeItem]:
        store = self.index.store
        learned = store.learned.view
        out = []
        for code, docs in store.rule_docs.items():
            own = tuple(store.original(d) for d in docs if not learned[d])
            if own:
                out.append(KnowledgeItem(store.rule_ids[code], own))
        return out

    def _changed(self) -> None:
        self.stale = True
        self._samples = None

    def _embed(self, docs: list[int]) -> None:
        if self.dense is not None and docs and self.embedder is not None:
            self.dense.add(self.embedder.embed(self.index.store.texts.many(docs)))

    # --- learning from the knowledge itself ------------------------------------------------------------
    def refresh(self, target_precision: float | None = None) -> Thresholds:
        """Retrain the classifier and the fusion, then recalibrate (after knowledge changes)."""
        opts = self.options
        self.index.compact()
        self._word_cache.clear()
        cv = training.plan(self.index.store, opts.cv_queries, opts.oos_share, opts.seed, self.tokenizer)
        self.pair_signals = self.available_pair_signals()
        cv_clf = self._train_classifier(exclude=np.concatenate([cv.held, cv.hidden]))
        rows = self._cv_rows(cv, cv_clf)
        left_out = cv_clf is not None and opts.classifier is None and not judging.classifier_helps(self, rows)
        if left_out:  # it ranks the robot's own held-out questions no better than the lexical signals
            cv_clf = None
            rows = self._cv_rows(cv, None)
        self.classifier = None if left_out else self._train_classifier(exclude=np.zeros(0, dtype=np.int64))
        self.classifier_reason = judging.classifier_reason(opts, self.classifier is not None, left_out)
        if self.pair_signals:
            helpful = judging.helpful_pair_signals(self, rows)
            if helpful != self.pair_signals:
                self.pair_signals = helpful  # held-out evidence again, as the robot with only those sees it
                rows = self._cv_rows(cv, cv_clf)
        self.fusion_learned = bool(opts.fusion and has_both_labels(rows) and judging.fusion_helps(rows, opts.seed))
        if self.fusion_learned:
            verbatim = self._verbatim_rows(cv, cv_clf)
            self.fusion = Fusion.fit([(f, y) for f, y, _ in rows + verbatim])
        else:  # learned weights would rank the robot's own held-out questions worse than the prior's
            self.fusion = Fusion.prior()
        self._samples = self._cv_samples(rows)
        self._paraphrases = not cv.synthetic
        self.stale = False
        return self.calibrate(target_precision or opts.target_precision)

    def signals(self) -> tuple[Signal, ...]:
        """Which signals take part in this robot's matching, and why (shown with its settings)."""
        return judging.describe(self)

    def available_pair_signals(self) -> frozenset[str]:
        pairs = self.pairs
        if pairs is None:
            return frozenset()
        have = {
            "assoc": bool(pairs.associations),
            "model": pairs.model is not None,
            "graph": bool(pairs.graph),
            "encoder": pairs.encoder is not None,
        }
        return frozenset(name for name, ok in have.items() if ok)

    def calibrate(self, target_precision: float = 0.9, oos_share: float | None = None) -> Thresholds:
        """Thresholds for a target direct-answer precision at an out-of-scope share (default: the options'),
        from held-out questions of the knowledge (the held-out evidence of the last refresh is kept, so
        changing the target is instant)."""
        if self._samples is None:
            opts = self.options
            cv = training.plan(self.index.store, opts.cv_queries, opts.oos_share, opts.seed, self.tokenizer)
            self._samples = self._cv_samples(self._cv_rows(cv, self.classifier))
            self._paraphrases = not cv.synthetic
        opts = self.options
        share = opts.oos_share if oos_share is None else oos_share
        self.thresholds = calibrate(self._samples, target_precision, share, self._paraphrases,
                                    opts.oos_recommend_budget)
        return self.thresholds

    def _cv_samples(self, rows: list[tuple[np.ndarray, np.ndarray, bool]]) -> list[CvSample]:
        samples = []
        for feats, labels, in_scope in rows:
            rank, scores = self.fusion.predict(feats)
            order = np.argsort(-rank, kind="stable")
            samples.append(
                CvSample(float(scores[order[0]]), bool(labels[order[0]]), bool(labels[order[:3]].any()), in_scope)
            )
        return samples

    def _use_classifier(self) -> bool:
        opts = self.options
        store = self.index.store
        n_rules = len(store.rule_docs)
        n_docs = store.n_live
        if opts.classifier is not None:
            return opts.classifier and n_rules >= 2
        return (
            2 <= n_rules <= opts.classifier_max_rules
            and n_docs / n_rules >= opts.classifier_min_questions
            and n_docs <= opts.classifier_max_questions
        )

    def _train_classifier(self, exclude: np.ndarray) -> RuleClassifier | None:
        if not self._use_classifier():
            return None
        live = self.index.store.live.view.copy()
        live[exclude] = False
        return RuleClassifier.train(self.index, np.flatnonzero(live), self.options.seed)

    def _cv_rows(self, cv: training.CvPlan, clf: RuleClassifier | None) -> list[tuple[np.ndarray, np.ndarray, bool]]:
        with self._asking_itself(np.concatenate([cv.held, cv.oos]), [text for text, _ in cv.synthetic]):
            return self._ask_held_out(cv, clf)

    @contextmanager
    def _asking_itself(self, docs: np.ndarray, texts: list[str]) -> Iterator[None]:
        """Embeddings of the questions a refresh asks itself, ready before they are asked: a stored
        question's is already in the dense index, other texts are embedded in one batch (one at a time, a
        model on the CPU spends ~20x longer on a robot's calibration than on everything else)."""
        if self.dense is not None and self.embedder is not None:
            store = self.index.store
            known = {store.texts[d]: self.dense.row(d) for d in docs.tolist()}
            missing = [text for text in texts if text not in known]
            if missing:
                known.update(zip(missing, self.embedder.embed(missing), strict=True))
            self._known_vectors = known
        try:
            yield
        finally:
            self._known_vectors = {}

    def _ask_held_out(
        self, cv: training.CvPlan, clf: RuleClassifier | None
    ) -> list[tuple[np.ndarray, np.ndarray, bool]]:
        store = self.index.store
        rows = []
        for doc in cv.held.tolist():
            rows.append(self._row(store.texts[doc], int(store.doc_rule.view[doc]), [doc], None, clf, True))
        for text, rule in cv.synthetic:
            rows.append(self._row(text, rule, [], None, clf, True))
        for doc in cv.oos.tolist():
            rule = int(store.doc_rule.view[doc])
            rows.append(self._row(store.texts[doc], rule, store.live_docs(rule), rule, clf, False))
        return [r for r in rows if r is not None]

    def _verbatim_rows(
        self, cv: training.CvPlan, clf: RuleClassifier | None
    ) -> list[tuple[np.ndarray, np.ndarray, bool]]:
        """Stored questions asked word for word (training.py): fusion evidence only."""
        store, docs = self.index.store, cv.verbatim.tolist()
        with self._asking_itself(cv.verbatim, []):
            rows = [self._row(store.texts[d], int(store.doc_rule.view[d]), [], None, clf, True) for d in docs]
        return [r for r in rows if r is not None]

    def _row(self, text: str, rule: int, exclude_docs: list[int], exclude_rule: int | None, clf: RuleClassifier | None,
             in_scope: bool) -> tuple[np.ndarray, np.ndarray, bool] | None:
        found = self._candidates(text, exclude_docs, exclude_rule, clf)
        if found is None:
            return None
        return found.feats, np.array([r == rule for r in found.rules], dtype=np.int64), in_scope

    # --- matching ---------------------------------------------------------------------------------------
    def search(self, question: str, k: int = 5) -> list[Candidate]:
        ranked = self._ranked(question, k)
        return ranked.candidates if ranked is not None else []

    def explain(self, question: str, k: int = 5) -> list[Explained]:
        """`search`'s candidates, each with every signal's own score for its rule (the features the fusion
        combined, for the signals on for this robot): what the hit test shows. Apart from `search` so that
        asking never pays for naming and copying them."""
        ranked = self._ranked(question, k)
        if ranked is None:
            return []
        columns = judging.scored_signals(self)
        return [Explained(candidate, {name: float(ranked.feats[row, col]) for name, col in columns})
                for candidate, row in zip(ranked.candidates, ranked.rows, strict=True)]

    def _ranked(self, question: str, k: int) -> Ranked | None:
        text = normalize(question)
        if not text:
            return None
        found = self._candidates(text, [], None, self.classifier)
        if found is None:
            return None
        rank, scores = self.fusion.predict(found.feats)
        order = exact_first(np.argsort(-rank, kind="stable").tolist(), found.rules, found.exact)[:k]
        store = self.index.store
        out, ceiling = [], 1.0
        for i in order:
            rule = found.rules[i]
            exact_doc = found.exact.get(rule)
            if exact_doc is not None:  # asked word for word: certain (the policy decides between several)
                out.append(Candidate(store.rule_ids[rule], store.original(exact_doc), EXACT_SCORE, exact=True))
                continue
            ceiling = min(ceiling, float(scores[i]))  # best first: confidence never rises down the list
            out.append(Candidate(store.rule_ids[rule], self._shown_question(rule, found.best[i]), ceiling))
        return Ranked(out, order, found.feats)

    def _shown_question(self, rule: int, doc: int) -> str:
        store = self.index.store
        if store.learned.view[doc]:  # a learned phrasing is not the owner's text: show the standard question
            own = [d for d in store.live_docs(rule) if not store.learned.view[d]]
            doc = own[0] if own else doc
        return store.original(doc)

    def scores(self, text: str, exclude_docs: list[int] | None = None) -> DocScores:
        """Per-doc scores of a normalised question."""
        index = self.index
        terms = index.query_terms(text)
        assoc = None
        if "assoc" in self.pair_signals and self.pairs is not None and index.postings.n_terms:
            assoc = self._associated(text)
        dense_vec = None
        if self.dense is not None and self.embedder is not None:
            vector = self._known_vectors.get(text)
            if vector is None:
                vector = self.embedder.embed([text])[0]
            dense_vec = self.dense.scores(vector, index.store.n_docs)
        return DocScores(index, terms, list(exclude_docs or []), dense_vec, assoc)

    def _associated(self, text: str) -> Terms | None:
        """The question's words translated through learned associations, as weighted word terms."""
        assert self.pairs is not None
        expanded = self.pairs.associations.expand(self.tokenizer.words(text))
        if not expanded:
            return None
        p = self.index.postings
        ids = p.lookup(np.array(terms.word_keys(list(expanded))[: len(expanded)], dtype=np.uint64))
        w = np.array(list(expanded.values())) * np.where(ids >= 0, p.idf(np.maximum(ids, 0)), 0.0)
        keep = (ids >= 0) & (w > 0)
        if not keep.any():
            return None
        ids, w = ids[keep], w[keep] / np.sqrt(float(w[keep] @ w[keep]))
        order = np.argsort(ids)
        zero = np.zeros(len(ids), np.int64)
        return Terms(ids[order], w[order], zero, zero[:0], np.zeros(3))

    def _candidates(
        self, text: str, exclude_docs: list[int], exclude_rule: int | None, clf: RuleClassifier | None
    ) -> Candidates | None:
        scores = self.scores(text, exclude_docs)
        store = self.index.store
        doc_rule = store.doc_rule.view
        rules: list[int] = []
        seen: set[int] = set()
        pool = scores.top(_POOL_DOCS)
        for doc in pool.tolist():
            rule = int(doc_rule[doc])
            if rule not in seen:
                seen.add(rule)
                rules.append(rule)
                if len(rules) >= _POOL_RULES:
                    break
        if scores.assoc is not None:
            self._extend(rules, seen, (int(doc_rule[d]) for d in scores.top(_POOL_DOCS // 4, "assoc").tolist()))
        translation, encoding = self._translation(), self._encoding()
        margins = None
        if clf is not None:
            values = clf.margins(self.index, scores.terms)
            pairs = zip(clf.classes.tolist(), values.tolist(), strict=True)
            margins = {c: float(v) for c, v in pairs if c != exclude_rule}
            self._extend(rules, seen, sorted(margins, key=margins.__getitem__, reverse=True))
        kept, docs, sizes = self._rule_docs(rules, exclude_docs, scores.combined)
        if not kept:
            return None
        per_doc = scores.at(docs)
        query = Query(text, scores.coverage, margins, self._pair_score(), translation, self.dense is not None, encoding)
        feats, best = rule_features(query, kept, docs, sizes, per_doc, store.texts.__getitem__)
        return Candidates(kept, feats, best, exact_rules(store, text, pool, scores.combined))

    def _rule_docs(
        self, rules: list[int], exclude_docs: list[int], combined: np.ndarray
    ) -> tuple[list[int], np.ndarray, np.ndarray]:
        """The candidate rules that keep a question, their questions to score (concatenated, at most
        `_RULE_DOCS` each: the best by the candidate score) and how many each."""
        store = self.index.store
        lists = [store.live_docs(r) for r in rules]
        if exclude_docs:
            excluded = set(exclude_docs)
            lists = [[d for d in docs if d not in excluded] for docs in lists]
        kept = [r for r, docs in zip(rules, lists, strict=True) if docs]
        lists = [docs for docs in lists if docs]
        if not kept:
            return [], np.zeros(0, np.int64), np.zeros(0, np.int64)
        sizes = np.fromiter((len(d) for d in lists), dtype=np.int64, count=len(lists))
        if sizes.max() > _RULE_DOCS:
            lists = [d if len(d) <= _RULE_DOCS else self._best_docs(d, combined) for d in lists]
            sizes = np.minimum(sizes, _RULE_DOCS)
        docs = np.fromiter((d for ds in lists for d in ds), dtype=np.int64, count=int(sizes.sum()))
        return kept, docs, sizes

    @staticmethod
    def _best_docs(docs: list[int], combined: np.ndarray) -> list[int]:
        arr = np.asarray(docs, dtype=np.int64)
        best: list[int] = np.sort(arr[np.argsort(-combined[arr], kind="stable")[:_RULE_DOCS]]).tolist()
        return best

    def _extend(self, rules: list[int], seen: set[int], more: Iterable[int]) -> None:
        added = 0
        for rule in more:
            if added >= _EXTRA_RULES:
                break
            if rule not in seen and self.index.store.rule_docs.get(rule):
                seen.add(rule)
                rules.append(rule)
                added += 1

    def _pair_score(self) -> Callable[[str, str], float] | None:
        if "model" not in self.pair_signals or self.pairs is None:
            return None
        model, words = self.pairs.model, self._words

        def score(query: str, doc: str) -> float:
            return model.score(words(query), words(doc))

        return score

    def _words(self, text: str) -> list[str]:
        """Distinct words of a text (cached: stored questions recur)."""
        cached = self._word_cache.get(text)
        if cached is None:
            cached = sorted(set(self.tokenizer.words(text)))
            if len(self._word_cache) >= _WORD_CACHE:
                self._word_cache.clear()
            self._word_cache[text] = cached
        return cached

    def _translation(self) -> Similarity | None:
        """Similarity through the meanings of the pair sentences (graph.py), when pairs taught a graph."""
        return self._pair_scorer("graph", GraphScorer)

    def _encoding(self) -> Similarity | None:
        """Similarity of sentence vectors from the pair encoder (encoder.py), when pairs taught one."""
        return self._pair_scorer("encoder", EncoderScorer)

    def _pair_scorer(self, name: str, kind: type[GraphScorer] | type[EncoderScorer]) -> Similarity | None:
        """The scorer of what pairs taught under `name` (a PairLearning field and a pair signal), built once
        per learned model (it caches per-sentence work); None while the signal is not in use."""
        model = getattr(self.pairs, name, None) if name in self.pair_signals else None
        if model is None:
            return None
        held = self._scorers.get(name)
        if held is None or held[0] is not model:
            held = self._scorers[name] = (model, kind(model, self.tokenizer))
        return held[1].similarity


def build_matcher(items: Iterable[KnowledgeItem], options: MatcherOptions | None = None) -> HybridMatcher:
    """Index the knowledge, learn the classifier and fusion from it, and calibrate the thresholds."""
    matcher = HybridMatcher(options)
    matcher.add_items(items)
    matcher.refresh()
    return matcher
