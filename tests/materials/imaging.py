"""Images made in the test with Pillow, and hand-made files that are not quite images."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


def picture(fmt: str = "PNG", size: tuple[int, int] = (640, 320)) -> bytes:
    """A small drawing (shapes on a gradient) in the given Pillow format; not trivially compressible."""
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 8):
        draw.line((x, 0, x, size[1]), fill=(x % 256, 100, 255 - x % 256), width=4)
    draw.ellipse((size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill=(230, 57, 70))
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def animated_gif(frames: int = 3, size: tuple[int, int] = (300, 300)) -> bytes:
    # Every frame differs from the one before, so the encoder keeps them all.
    images = [Image.new("RGB", size, (60 * i % 256, 7 * i % 256, 200)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_header_only(width: int, height: int) -> bytes:
    """A well-formed PNG claiming huge dimensions with almost no pixel data: a decompression bomb's header."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def corrupt_crc(png: bytes) -> bytes:
    """The same PNG with one byte of the first IDAT chunk flipped (its CRC no longer matches)."""
    at = png.index(b"IDAT") + 8
    return png[:at] + bytes([png[at] ^ 0xFF]) + png[at + 1:]


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
