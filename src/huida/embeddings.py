"""The optional dense embedder a process's settings name (HUIDA_EMBEDDING_*), built outside the pure engine.

The engine's matcher takes an embedder as a parameter (`MatcherOptions.embedder`) and never reads the
environment; this module turns `Settings` into one.
"""

from __future__ import annotations

from collections.abc import Mapping

from huida.config import Settings, load_settings
from huida.engine.matcher import Embedder, HttpEmbedder, LocalEmbedder


def embedder_for(settings: Settings) -> Embedder | None:
    """Settings.embedding_model (a local directory), else Settings.embedding_url (+ name, key), else none.
    Raises OptionalFeatureError when the model is configured but cannot load."""
    if settings.embedding_model:
        return LocalEmbedder(settings.embedding_model)
    if settings.embedding_url:
        return HttpEmbedder(settings.embedding_url, settings.embedding_name, settings.embedding_key)
    return None


def embedder_from_env(environ: Mapping[str, str] | None = None) -> Embedder | None:
    """HUIDA_EMBEDDING_MODEL=/path (local) or HUIDA_EMBEDDING_URL + HUIDA_EMBEDDING_NAME (+ _KEY), read through
    `load_settings` from `environ` (default: this process's environment)."""
    return embedder_for(load_settings(environ))
