"""Ids in Feishu's style: a kind prefix and random lowercase letters and digits (session_4dfunz7sp1g8m)."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_lowercase + string.digits


def _random(length: int = 16) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_session_id() -> str:
    return "session_" + _random()


def new_run_id() -> str:
    return "run_" + _random()


def new_file_id() -> str:
    return "file_" + _random()
