"""Pictures of the demo shop, drawn with Pillow at seed time (nothing is downloaded or shipped).

Labels are in Latin letters and digits because Pillow's bundled font has no Chinese glyphs.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

SIZE_ROWS = [
    ("Size", "Height", "Chest", "Length"),
    ("S", "155-160", "88-92", "66"),
    ("M", "160-165", "92-96", "68"),
    ("L", "165-170", "96-100", "70"),
    ("XL", "170-175", "100-104", "72"),
    ("XXL", "175-180", "104-108", "74"),
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def size_chart_png() -> bytes:
    """A clothing size chart: a title bar and a striped table (cm)."""
    width, row_height, top = 640, 52, 96
    image = Image.new("RGB", (width, top + row_height * len(SIZE_ROWS) + 48), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 72), fill=(230, 57, 70))
    draw.text((24, 16), "HUIDA SHOP  SIZE CHART (cm)", font=_font(30), fill="white")
    column = (width - 48) // 4
    for index, row in enumerate(SIZE_ROWS):
        y = top + index * row_height
        fill = (69, 123, 157) if index == 0 else ((241, 250, 238) if index % 2 else (255, 255, 255))
        draw.rectangle((24, y, width - 24, y + row_height), fill=fill, outline=(200, 200, 200))
        for col, cell in enumerate(row):
            colour = "white" if index == 0 else (29, 53, 87)
            draw.text((24 + col * column + 16, y + 14), cell, font=_font(22), fill=colour)
    draw.text((24, image.height - 36), "Between two sizes? Choose the larger one.", font=_font(18),
              fill=(120, 120, 120))
    return _png(image)


def promo_banner_png() -> bytes:
    """A 618 sale banner: a vertical gradient, a few circles and the headline."""
    width, height = 640, 320
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # orange at the top to deep red at the bottom
        ratio = y / height
        draw.line((0, y, width, y), fill=(255, int(140 - 100 * ratio), int(60 - 30 * ratio)))
    for x, y, r in ((520, 60, 90), (590, 250, 60), (60, 280, 50)):
        draw.ellipse((x - r, y - r, x + r, y + r), outline=(255, 230, 180), width=6)
    draw.text((40, 60), "618 SALE", font=_font(84), fill="white")
    draw.text((44, 170), "UP TO 50% OFF  +  FREE SHIPPING", font=_font(26), fill=(255, 244, 214))
    draw.rounded_rectangle((44, 230, 250, 282), radius=24, fill="white")
    draw.text((70, 240), "SHOP NOW", font=_font(26), fill=(214, 40, 40))
    return _png(image)
