"""Feishu's event encryption and request signature (see feishu.md §1).

Decryption: AES-256-CBC, key = SHA-256 of the Encrypt Key, the first 16 bytes of the base64-decoded
ciphertext are the IV, PKCS7 padding, UTF-8 JSON inside. AES comes from pycryptodome, the SDK's own
dependency (importing the SDK itself costs seconds, so the callback path does not).
Signature: sha256(timestamp + nonce + encrypt_key + raw body), hex.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from Crypto.Cipher import AES

BLOCK = 16


class DecryptError(ValueError):
    """The body is not a valid encryption of UTF-8 text under this key."""


def _unpad(data: bytes) -> bytes:
    pad = data[-1] if data else 0
    if not 1 <= pad <= BLOCK or data[-pad:] != bytes([pad]) * pad:
        raise DecryptError("bad padding (wrong encrypt key?)")
    return data[:-pad]


def decrypt(encrypt_key: str, encrypted: str) -> str:
    try:
        data = base64.b64decode(encrypted, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise DecryptError("not base64") from exc
    if len(data) < 2 * BLOCK or len(data) % BLOCK:
        raise DecryptError("bad ciphertext length")
    cipher = AES.new(hashlib.sha256(encrypt_key.encode("utf-8")).digest(), AES.MODE_CBC, data[:BLOCK])
    try:
        return _unpad(cipher.decrypt(data[BLOCK:])).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecryptError("not UTF-8 text (wrong encrypt key?)") from exc


def signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode("utf-8") + body).hexdigest()


def same(expected: str, given: str) -> bool:
    """Constant-time comparison of two secrets or digests."""
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))
