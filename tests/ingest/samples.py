"""Make sample scans and PDFs with Chinese text, the way a scanner or a core system would."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

REGISTRATION = ["参保单位登记表", "单位名称 某某科技有限公司", "统一社会信用代码 91350100M000100Y43",
                "经办日期 2013年4月1日"]
CONTRIBUTION = ["缴费基数核定表", "公民身份号码 11010519491231002X", "缴费基数 核定 补缴费",
                "核定日期 2009年3月15日"]


@cache
def _font(size: int):
    return ImageFont.truetype(FONT, size)


def page_image(lines: list[str], *, size=(1240, 1754), dpi=150) -> Image.Image:
    """A white A4 page at 150 dpi with the lines in black, like a greyscale scan."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((120, 150 + i * 90), line, font=_font(44), fill=0)
    image.info["dpi"] = (dpi, dpi)
    return image


def encode(images: list[Image.Image], fmt: str) -> bytes:
    buffer = io.BytesIO()
    first, rest = images[0], images[1:]
    if fmt == "TIFF":
        first.save(buffer, format="TIFF", save_all=True, append_images=rest, compression="tiff_lzw",
                   dpi=(150, 150))
    elif fmt == "PDF":
        first.save(buffer, format="PDF", save_all=True, append_images=rest, resolution=150)
    else:
        first.save(buffer, format=fmt, dpi=(150, 150))
    return buffer.getvalue()


def born_digital_pdf(pages: list[list[str]]) -> bytes:
    """A PDF with a real text layer (as the core system produces), one page per list of lines."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for lines in pages:
        pdf.setFont("STSong-Light", 16)
        for i, line in enumerate(lines):
            pdf.drawString(72, A4[1] - 100 - i * 30, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    pdf.drawString(72, 720, "confidential")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
