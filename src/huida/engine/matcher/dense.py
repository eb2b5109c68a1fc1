"""Optional dense embeddings: a local sentence-transformers model directory or an OpenAI-compatible
`/v1/embeddings` endpoint. Nothing is ever downloaded at run time. The matcher gets its embedder as a
parameter (`MatcherOptions.embedder`); which one a process uses is its settings' business (huida.embeddings)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol

import numpy as np


class OptionalFeatureError(RuntimeError):
    """An optional feature is configured but cannot work; the message is one line an operator can act on."""


class MissingExtra(OptionalFeatureError):
    def __init__(self, setting: str, extra: str) -> None:
        super().__init__(f"{setting} is set, but the optional '{extra}' dependencies are not installed: "
                         f"pip install 'huida[{extra}]' (in a clone: HUIDA_EXTRAS=dev,{extra} python3 run.py ...)")


class ModelNotFound(OptionalFeatureError, FileNotFoundError):
    pass


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...  # (len(texts), dim), rows L2-normalised


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: np.ndarray = vectors / norms
    return unit


class LocalEmbedder:
    """A sentence-transformers model loaded from a local directory (extra `huida[embeddings]`)."""

    def __init__(self, path: str, batch_size: int = 64) -> None:
        try:
            from sentence_transformers import SentenceTransformer  # optional dependency
        except ImportError as exc:
            raise MissingExtra("HUIDA_EMBEDDING_MODEL", "embeddings") from exc
        if not os.path.isdir(path):
            raise ModelNotFound(f"HUIDA_EMBEDDING_MODEL: embedding model directory not found: {path}")
        self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        self._batch = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return _unit(vectors)


class HttpEmbedder:
    """An OpenAI-compatible embeddings endpoint (`POST {base_url}/v1/embeddings`)."""

    def __init__(
        self, base_url: str, model: str, api_key: str | None = None, batch_size: int = 128, timeout: float = 30.0
    ) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)
        self._model = model
        self._batch = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows: list[list[float]] = []
        for start in range(0, len(texts), self._batch):
            chunk = list(texts[start : start + self._batch])
            response = self._client.post("/v1/embeddings", json={"model": self._model, "input": chunk})
            response.raise_for_status()
            data = sorted(response.json()["data"], key=lambda d: d["index"])
            rows.extend(d["embedding"] for d in data)
        return _unit(np.array(rows, dtype=np.float32).reshape(len(rows), -1))


class DenseVectors:
    """Embeddings of the stored questions, one row per doc id (rows of removed docs are ignored)."""

    def __init__(self, dim: int | None = None) -> None:
        self._rows = np.zeros((0, dim or 0), dtype=np.float32)
        self.size = 0

    def add(self, vectors: np.ndarray) -> None:
        if self._rows.shape[1] != vectors.shape[1]:
            self._rows = np.zeros((0, vectors.shape[1]), dtype=np.float32)
        need = self.size + len(vectors)
        if need > len(self._rows):
            grown = np.zeros((max(need, 2 * len(self._rows), 256), vectors.shape[1]), dtype=np.float32)
            grown[: self.size] = self._rows[: self.size]
            self._rows = grown
        self._rows[self.size : need] = vectors
        self.size = need

    def row(self, doc: int) -> np.ndarray:
        """The embedding of stored question `doc`."""
        vector: np.ndarray = self._rows[doc]
        return vector

    def scores(self, query: np.ndarray, n_docs: int) -> np.ndarray:
        out = np.zeros(n_docs, dtype=np.float32)
        out[: self.size] = np.clip(self._rows[: self.size] @ query, 0.0, 1.0)
        return out
