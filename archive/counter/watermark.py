"""Burn the viewer's name, the time and the purpose into every page image served to a person.

Two marks, so that neither a crop nor a clean-up removes both: a light diagonal
text tiled over the whole page, and a band added below the page with the same
words in plain type. The band is added, not drawn over the page, so no part of
the record is hidden; ``served_size`` tells the viewer where the page ends.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured
from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
BAND_RATIO = 0.045  # band height as a share of the served width
TILE_OPACITY = 0.24  # how dark the diagonal text is over white paper
TILE_ANGLE = 30
INK = 70  # grey of the diagonal text
# Widths the viewer may ask for; anything else is refused, so nobody pulls the full scan.
WIDTHS = (256, 800, 1200, 1600, 2400)
DEFAULT_WIDTH = 1600


@dataclass(frozen=True)
class Mark:
    """What is burned in: who looked, when, and why."""

    user: str
    when: str
    purpose: str
    subject: str = ""  # 档号 and page

    def text(self) -> str:
        parts = [self.user, self.when, self.purpose, self.subject]
        return "  ".join(p for p in parts if p)


@lru_cache(maxsize=1)
def _font_path() -> str:
    import os
    for path in FONT_PATHS:
        if os.path.exists(path):
            return path
    raise ImproperlyConfigured("no CJK font for watermarks: install fonts-noto-cjk")


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_font_path(), size)


def served_size(width: int, height: int, max_width: int) -> tuple[int, int, int]:
    """Return (width, page height, band height) of the image served for a page."""
    scale = min(1.0, max_width / width)
    out_w, out_h = max(1, round(width * scale)), max(1, round(height * scale))
    return out_w, out_h, max(14, round(out_w * BAND_RATIO))


@lru_cache(maxsize=64)
def _tile(text: str, font_size: int) -> Image.Image:
    """``text`` drawn once and turned to the diagonal: the stamp's coverage (0-255)."""
    font = _font(font_size)
    left, top, right, bottom = _font(font_size).getbbox(text)
    canvas = Image.new("L", (right - left + 2, bottom - top + 2), 0)
    ImageDraw.Draw(canvas).text((-left + 1, -top + 1), text, font=font, fill=255)
    return canvas.rotate(TILE_ANGLE, resample=Image.Resampling.BILINEAR, expand=True)


def _tile_mask(size: tuple[int, int], text: str) -> Image.Image:
    """A mask of ``text`` repeated over ``size`` along parallel diagonal lines."""
    width, height = size
    font_size = max(12, width // 40)
    tile = _tile(text, font_size)
    text_width = _font(font_size).getlength(text)
    angle = math.radians(TILE_ANGLE)
    along = (math.cos(angle), -math.sin(angle))  # the direction the text runs
    pitch = text_width + font_size * 3  # from one stamp to the next on a line
    spacing = font_size * 5 / math.cos(angle)  # between lines, measured down the left edge
    mask = Image.new("L", size, 0)
    ink = round(255 * TILE_OPACITY)
    reach = int((width + height) / pitch) + 2
    y = 0.0
    line = 0
    while y < height + width * math.tan(angle):
        shift = (line % 2) * pitch / 2
        for k in range(-1, reach):
            cx = (k * pitch + shift) * along[0]
            cy = y + (k * pitch + shift) * along[1]
            if -tile.width < cx < width + tile.width and -tile.height < cy < height + tile.height:
                mask.paste(ink, (int(cx - tile.width / 2), int(cy - tile.height / 2)), tile)
        y += spacing
        line += 1
    return mask


def watermark(image: Image.Image, mark: Mark, *, max_width: int = DEFAULT_WIDTH) -> Image.Image:
    """Return the page scaled to ``max_width`` at most, with both marks burned in."""
    page = image if image.mode in ("L", "RGB") else image.convert("L")
    out_w, out_h, band_h = served_size(page.width, page.height, max_width)
    if (out_w, out_h) != page.size:
        page = page.resize((out_w, out_h), Image.Resampling.LANCZOS)
    text = mark.text()
    ink = Image.new(page.mode, page.size, INK if page.mode == "L" else (INK, INK, INK))
    page = Image.composite(ink, page, _tile_mask(page.size, text))
    served = Image.new(page.mode, (out_w, out_h + band_h), 255 if page.mode == "L" else (255,) * 3)
    served.paste(page, (0, 0))
    draw = ImageDraw.Draw(served)
    draw.line([(0, out_h), (out_w, out_h)], fill=0 if page.mode == "L" else (0, 0, 0), width=1)
    font = _font(max(9, int(band_h * 0.55)))
    draw.text((max(4, out_w // 100), out_h + band_h // 2), text, font=font,
              fill=0 if page.mode == "L" else (0, 0, 0), anchor="lm")
    return served


def watermarked_jpeg(data: bytes, mark: Mark, *, max_width: int = DEFAULT_WIDTH) -> bytes:
    """Decode a stored page image and return it watermarked, as JPEG."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("L", (max_width, max_width * 4))  # JPEG originals decode smaller: faster
        served = watermark(image, mark, max_width=max_width)
    buffer = io.BytesIO()
    served.save(buffer, format="JPEG", quality=82, optimize=False)
    return buffer.getvalue()
