"""Checking an uploaded image by its content and making its thumbnail, with Pillow.

The declared content type is never trusted: the bytes must open as PNG, JPEG, GIF or WebP (no other
decoder is even tried), pass Pillow's integrity check and decode completely. Pixel counts are checked
from the header before anything is decoded, so a small file that inflates to gigabytes (a
decompression bomb) is refused cheaply.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import ExifTags, Image, UnidentifiedImageError

from huida.errors import DomainError, InvalidInput, TooLarge, UnsupportedType

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 25_000_000  # one frame: 5000 x 5000 is plenty for a customer-service answer
MAX_FRAMES = 500
MAX_TOTAL_PIXELS = 100_000_000  # all frames of an animation together
THUMBNAIL_BOX = (200, 200)

# The only decoders tried, and Pillow's format name -> (content type, file extension).
DECODERS = ["PNG", "JPEG", "GIF", "WEBP"]
FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "MPO": ("image/jpeg", "jpg"),  # a camera's multi-picture JPEG opens as MPO; browsers show it as JPEG
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}


@dataclass(frozen=True)
class CheckedImage:
    content_type: str
    extension: str
    width: int
    height: int
    thumbnail: bytes


def too_large(limit: int = MAX_BYTES) -> TooLarge:
    return TooLarge("MEDIA_TOO_LARGE", f"the image is larger than {limit // (1024 * 1024)} MB")


def unsupported() -> UnsupportedType:
    return UnsupportedType("UNSUPPORTED_MEDIA_TYPE", "the file is not a PNG, JPEG, GIF or WebP image")


def invalid(reason: str = "the image is truncated or corrupt") -> InvalidInput:
    return InvalidInput("INVALID_IMAGE", reason)


def thumbnail_content_type(content_type: str) -> str:
    """Thumbnails of JPEG photos stay JPEG; everything else (transparency, palettes) becomes PNG."""
    return "image/jpeg" if content_type == "image/jpeg" else "image/png"


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=DECODERS)
    except UnidentifiedImageError as exc:
        raise unsupported() from exc
    except Image.DecompressionBombError as exc:
        raise _too_large(f"the image has more than {MAX_PIXELS} pixels") from exc
    except Exception as exc:  # decoders raise many types (SyntaxError, struct.error, ...) on bad headers
        raise invalid() from exc


def _too_large(what: str) -> InvalidInput:
    return InvalidInput("IMAGE_TOO_LARGE", what)


def _check_dimensions(image: Image.Image) -> None:
    """Refuses oversize images from the header alone, before any pixel is decoded."""
    width, height = image.size
    if width < 1 or height < 1:
        raise invalid("the image has no pixels")
    if width * height > MAX_PIXELS:
        raise _too_large(f"the image has more than {MAX_PIXELS} pixels")


def _decode(image: Image.Image) -> None:
    """Decodes every frame, which is what finds truncated data (verify() alone does not for JPEG).

    Frames are counted while decoding rather than with `n_frames`, which would first walk the whole
    file however many frames it holds.
    """
    width, height = image.size
    count = 0
    while True:
        image.load()
        count += 1
        if count > MAX_FRAMES or count * width * height > MAX_TOTAL_PIXELS:
            raise _too_large(f"the animation has more than {min(MAX_FRAMES, count - 1)} frames")
        try:
            image.seek(count)
        except EOFError:
            break
    image.seek(0)


# EXIF orientation -> the transpose that shows the picture upright (what browsers do when displaying it).
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _make_thumbnail(image: Image.Image, content_type: str) -> tuple[int, int, bytes]:
    """Displayed width and height (EXIF orientation applied) and the thumbnail's bytes."""
    turn = _ORIENTATION.get(image.getexif().get(ExifTags.Base.Orientation, 1))
    width, height = image.size
    if turn in (Image.Transpose.TRANSPOSE, Image.Transpose.ROTATE_270, Image.Transpose.TRANSVERSE,
                Image.Transpose.ROTATE_90):
        width, height = height, width
    jpeg = thumbnail_content_type(content_type) == "image/jpeg"
    # Shrink first, turn after: only one full-size copy (the mode conversion) is ever made.
    small = image.convert("RGB" if jpeg else "RGBA")
    small.thumbnail(THUMBNAIL_BOX, Image.Resampling.LANCZOS)
    if turn is not None:
        small = small.transpose(turn)
    out = io.BytesIO()
    if jpeg:
        small.save(out, format="JPEG", quality=85, optimize=True)
    else:
        small.save(out, format="PNG", optimize=True)
    return width, height, out.getvalue()


def check_image(data: bytes) -> CheckedImage:
    """The checked image's type, size and thumbnail; a `DomainError` for anything else."""
    if not data:
        raise InvalidInput("EMPTY_FILE", "the uploaded file is empty")
    if len(data) > MAX_BYTES:
        raise too_large()
    with _open(data) as probe:
        try:
            probe.verify()
        except Exception as exc:  # CRC mismatches, bad chunk lengths, ...
            raise invalid() from exc
    with _open(data) as image:
        if image.format not in FORMATS:
            raise unsupported()
        content_type, extension = FORMATS[image.format]
        _check_dimensions(image)
        try:
            _decode(image)
            width, height, thumbnail = _make_thumbnail(image, content_type)
        except DomainError:
            raise
        except Exception as exc:  # truncated streams, broken frames
            raise invalid() from exc
    return CheckedImage(content_type, extension, width, height, thumbnail)
