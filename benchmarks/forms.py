"""Generate realistic social-insurance forms as page images, with their ground truth.

Each form is one an agency really files under a business stage of the file plan
(参保登记表, 缴费申报表, 养老保险待遇核定表, 失业保险金申领表, 工伤认定申请表, 医疗费用
报销, 关系转移 …): a printed heading and grid of labels, values filled in with a
handwriting-like font (a member's name and valid 公民身份号码, a unit's name and valid
统一社会信用代码, dates, amounts), a table, signatures and a red round seal; then, if
asked, the scan's faults: skew, noise, blur and JPEG artefacts.

Everything is decided by the seed, so a benchmark's figures can be compared run to run.

    python benchmarks/forms.py --out /tmp/forms -n 5 [--seed 1] [--dpi 200] [--clean]

writes PNGs (and each form's truth as JSON) so a person can look at them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.form_specs import FORMS, FormSpec
from catalog.identifiers import citizen_id_check_char, credit_code_check_char, org_code_check_char

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
                "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
                "贺顾毛郝龚邵万钱严覃武戴莫孔向汤") + ["欧阳", "司马", "上官", "诸葛"]
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玉萍红娥玲华飞鹏辉建国志宏春梅"
             "海波婷雪琳晓燕俊峰文斌宇浩凯欣怡思佳子涵雨轩博琪瑶嘉诚德福荣淑珍桂芝凤霞永庆")
# GB/T 2260 district codes with the city they are in (the first six digits of both identifiers).
REGIONS = [("110105", "北京市朝阳区"), ("310104", "上海市徐汇区"), ("350102", "福州市鼓楼区"),
           ("440106", "广州市天河区"), ("330106", "杭州市西湖区"), ("510107", "成都市武侯区"),
           ("420106", "武汉市武昌区"), ("320102", "南京市玄武区"), ("370102", "济南市历下区"),
           ("610113", "西安市雁塔区"), ("430102", "长沙市芙蓉区"), ("350203", "厦门市思明区")]
UNIT_WORDS = ["恒信", "华通", "宏达", "鑫源", "创新", "天宇", "博远", "金鼎", "永泰", "东方", "新科",
              "瑞丰", "中科", "海纳", "联合", "顺达", "长城", "正和"]
UNIT_TRADES = ["机械制造", "电子科技", "建筑工程", "物流", "食品", "商贸", "信息技术", "纺织", "医药",
               "物业管理", "餐饮管理", "环保科技"]
UNIT_KINDS = ["有限公司", "有限责任公司", "股份有限公司"]
OFFICE = "社会保险事业管理中心"
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
MM = 1 / 25.4


@dataclass
class Form:
    image: Image.Image
    truth: dict
    params: dict = field(default_factory=dict)

    def encoded(self, fmt: str = "PNG") -> bytes:
        """Return the page as an image file's bytes (JPEG pages keep their artefacts)."""
        buffer = BytesIO()
        dpi = self.params.get("dpi", 150)
        image = self.image.convert("RGB") if fmt == "JPEG" else self.image
        image.save(buffer, format=fmt, dpi=(dpi, dpi), **({"quality": 92} if fmt == "JPEG" else {}))
        return buffer.getvalue()


# --- fonts ---------------------------------------------------------------------------------

@cache
def cjk_fonts() -> dict[str, tuple[str, int]]:
    """Return every installed simplified-Chinese font face: family -> (file, index in the file)."""
    out = subprocess.run(["fc-list", ":lang=zh", "file", "index", "family"], capture_output=True,
                         text=True, check=False).stdout
    found = {}
    for line in out.splitlines():
        path, _, rest = line.partition(": ")
        family, _, index = rest.partition(":index=")
        family = family.split(",")[0].strip()
        simplified = family.endswith((" SC", " CN")) or family == "WenQuanYi Zen Hei"
        if simplified and "Mono" not in family:
            weight = "Bold" if "Bold" in path else ""
            found[f"{family} {weight}".strip()] = (path, int(index or 0))
    return dict(sorted(found.items()))


def print_fonts() -> list[str]:
    """Return the faces a form's printed labels are set in (the typefaces of office printers)."""
    return [f for f in cjk_fonts() if "Bold" not in f and "UKai" not in f]


def fill_fonts() -> list[str]:
    """Return the faces filled-in values are written in: handwriting-like Kai first, then print."""
    faces = list(cjk_fonts())
    return sorted((f for f in faces if "Bold" not in f), key=lambda f: ("UKai" not in f, f))


@cache
def _font(face: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = cjk_fonts()[face]
    return ImageFont.truetype(path, size, index=index)


def _bold(face: str) -> str:
    return f"{face} Bold" if f"{face} Bold" in cjk_fonts() else face


# --- content -------------------------------------------------------------------------------

def person_name(rng: random.Random) -> str:
    """Return a realistic Chinese name: a surname and one or two given-name characters."""
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(SURNAMES) + given


def citizen_id(rng: random.Random, region: str, born: dt.date, female: bool) -> str:
    """Return a 公民身份号码 whose birth date, sex digit and check character hold."""
    order = rng.randrange(0, 50) * 10 + rng.randrange(0, 10)
    order = order - order % 2 + (0 if female else 1)
    body = f"{region}{born:%Y%m%d}{order:03d}"
    return body + citizen_id_check_char(body)


def credit_code(rng: random.Random, region: str) -> str:
    """Return a 统一社会信用代码 of a company (91…) with valid organisation code and check."""
    org = "".join(rng.choice(_ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    org += org_code_check_char(org)
    body = "91" + region + org
    if any(ch not in _ALPHABET for ch in body):  # the org check may be an X: it is in the alphabet
        return credit_code(rng, region)
    return body + credit_code_check_char(body)


def unit_name(rng: random.Random, city: str) -> str:
    return city[:3] + rng.choice(UNIT_WORDS) + rng.choice(UNIT_TRADES) + rng.choice(UNIT_KINDS)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def _value(rng: random.Random, kind: str, ctx: dict) -> str:
    """Return a filled-in value of ``kind`` (money, date_before, choice:a|b, count …)."""
    name, _, arg = kind.partition(":")
    if name == "money":
        low, high = (int(x) for x in (arg or "500-20000").split("-"))
        return f"{rng.randrange(low * 100, high * 100) / 100:,.2f}"
    if name == "date_before":  # an event before the form was filled in (accident, leaving work)
        day = _random_day(rng, ctx["formed_on"] - dt.timedelta(days=int(arg or 365)), ctx["formed_on"])
        ctx["other_dates"].append(day)
        return cn_date(day)
    if name == "choice":
        return rng.choice(arg.split("|"))
    if name == "count":
        low, high = (int(x) for x in arg.split("-"))
        return str(rng.randrange(low, high))
    if name == "phone":
        return "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))
    if name == "percent":
        return rng.choice(("0.2%", "0.5%", "0.8%", "1.0%", "16%", "8%", "2%"))
    if name == "text":
        return arg
    raise ValueError(kind)


def _content(spec: FormSpec, rng: random.Random) -> dict:
    """Decide everything written on one form: people, unit, dates, fields, table."""
    code, city = rng.choice(REGIONS)
    formed_on = _random_day(rng, dt.date(2005, 1, 1), dt.date(2025, 12, 31))
    female = rng.random() < 0.5
    born = _random_day(rng, dt.date(1955, 1, 1), min(formed_on, dt.date(2004, 12, 31))
                       - dt.timedelta(days=18 * 366))
    ctx = {"formed_on": formed_on, "other_dates": [], "city": city}
    person = {"name": person_name(rng), "id": citizen_id(rng, code, born, female),
              "sex": "女" if female else "男", "born": born}
    ucode, ucity = rng.choice(REGIONS)
    unit = {"name": unit_name(rng, ucity), "code": credit_code(rng, ucode)}
    fields: list[tuple[str, str]] = []
    if spec.person:
        fields += [("姓名", person["name"]), ("性别", person["sex"]),
                   ("公民身份号码", person["id"]), ("出生日期", cn_date(born)),
                   ("联系电话", _value(rng, "phone", ctx)), ("户籍地址", city + rng.choice(
                       ("人民路", "解放路", "中山路", "建设路")) + f"{rng.randrange(1, 300)}号")]
        ctx["other_dates"].append(born)
    if spec.unit:
        fields += [("单位名称", unit["name"]), ("统一社会信用代码", unit["code"])]
        if not spec.person:
            fields += [("法定代表人", person_name(rng)), ("单位地址", ucity + "工业路"
                                                          + f"{rng.randrange(1, 200)}号")]
    fields += [(label, _value(rng, kind, ctx)) for label, kind in spec.fields]
    table = [[cell if not cell.startswith("$") else _value(rng, cell[1:], ctx) for cell in row]
             for row in spec.table]
    return {"person": person if spec.person else None, "unit": unit if spec.unit else None,
            "fields": fields, "table": table, "formed_on": formed_on, "ctx": ctx,
            "office": city[:3] + rng.choice(("", city[3:])) + OFFICE,
            "officer": person_name(rng), "checker": person_name(rng),
            "reviewed_on": formed_on + dt.timedelta(days=rng.randrange(1, 30))}


# --- drawing -------------------------------------------------------------------------------

class _Page:
    """A white A4 page at ``dpi`` with helpers that draw in millimetres and points."""

    def __init__(self, dpi: int, print_face: str, fill_face: str, ink: tuple, rng: random.Random):
        self.dpi, self.print_face, self.fill_face, self.ink, self.rng = dpi, print_face, fill_face, ink, rng
        self.image = Image.new("RGB", (self.px(210), self.px(297)), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.lines: list[str] = []

    def px(self, mm: float) -> int:
        return round(mm * self.dpi * MM)

    def font(self, pt: float, face: str | None = None) -> ImageFont.FreeTypeFont:
        return _font(face or self.print_face, max(8, round(pt * self.dpi / 72)))

    def text(self, xy_mm, text: str, pt=10.5, *, face=None, fill=(0, 0, 0), anchor="lm", width_mm=None):
        """Draw ``text`` at a point in mm, shrinking the size until it fits ``width_mm``."""
        font = self.font(pt, face)
        while width_mm and font.getlength(text) > self.px(width_mm) and pt > 6:
            pt -= 0.5
            font = self.font(pt, face)
        self.draw.text((self.px(xy_mm[0]), self.px(xy_mm[1])), text, font=font, fill=fill, anchor=anchor)
        return font

    def write(self, xy_mm, text: str, width_mm: float, pt=11.5):
        """Fill in a value by hand: the fill face, pen ink, a little off the line."""
        x = xy_mm[0] + self.rng.uniform(0, 1.5)
        y = xy_mm[1] + self.rng.uniform(-0.8, 0.8)
        self.text((x, y), text, pt, face=self.fill_face, fill=self.ink, width_mm=width_mm - 2)

    def box(self, x0, y0, x1, y1, *, shade=False, width=0.3):
        self.draw.rectangle([self.px(x0), self.px(y0), self.px(x1), self.px(y1)],
                            outline=(0, 0, 0), width=max(1, self.px(width)),
                            fill=(232, 232, 232) if shade else None)


LEFT, RIGHT, ROW = 18.0, 192.0, 10.5
COLS = (0.19, 0.31, 0.19, 0.31)


def _grid(page: _Page, y: float, content: dict, spec: FormSpec) -> float:
    """Draw the label/value grid, sections and table; return the y below it (mm)."""
    width = RIGHT - LEFT
    edges = [LEFT]
    for share in COLS:
        edges.append(edges[-1] + share * width)

    def section(title: str):
        nonlocal y
        page.box(LEFT, y, RIGHT, y + ROW * 0.8, shade=True)
        page.text(((LEFT + RIGHT) / 2, y + ROW * 0.4), title, 10.5, face=_bold(page.print_face), anchor="mm")
        page.lines.append(title)
        y += ROW * 0.8

    def field_row(pairs):
        nonlocal y
        line = []
        if len(pairs) == 1 and len(pairs[0][1]) > 10:  # a long value spans the row
            label, value = pairs[0]
            page.box(edges[0], y, edges[1], y + ROW)
            page.box(edges[1], y, edges[4], y + ROW)
            page.text((edges[0] + 1.5, y + ROW / 2), label, width_mm=edges[1] - edges[0] - 2)
            page.write((edges[1] + 1.5, y + ROW / 2), value, edges[4] - edges[1])
            line = [label, value]
        else:
            for i, (label, value) in enumerate(pairs):
                a, b, c = edges[2 * i], edges[2 * i + 1], edges[2 * i + 2]
                page.box(a, y, b, y + ROW)
                page.box(b, y, c if len(pairs) == 2 or i else edges[4], y + ROW)
                page.text((a + 1.5, y + ROW / 2), label, width_mm=b - a - 2)
                page.write((b + 1.5, y + ROW / 2), value, (c if len(pairs) == 2 or i else edges[4]) - b)
                line += [label, value]
        page.lines.append(" ".join(line))
        y += ROW

    def fields(items):
        queue = list(items)
        while queue:
            label, value = queue.pop(0)
            if len(value) > 10 or not queue or len(queue[0][1]) > 10:
                field_row([(label, value)])
            else:
                field_row([(label, value), queue.pop(0)])

    fs = content["fields"]
    n_person = 6 if spec.person else 0
    n_unit = (2 if spec.person else 4) if spec.unit else 0
    if spec.person:
        section("参保人员基本信息")
        fields(fs[:n_person])
    if spec.unit:
        section("参保单位信息" if spec.person else "单位基本信息")
        fields(fs[n_person:n_person + n_unit])
    if fs[n_person + n_unit:]:
        section("申请事项")
        fields(fs[n_person + n_unit:])
    if content["table"]:
        cols = len(content["table"][0])
        step = width / cols
        for r, row in enumerate(content["table"]):
            for c, cell in enumerate(row):
                x = LEFT + c * step
                page.box(x, y, x + step, y + ROW * 0.85, shade=r == 0)
                if r == 0 or c == 0:
                    page.text((x + step / 2, y + ROW * 0.42), cell, 10, anchor="mm", width_mm=step - 2)
                else:
                    page.write((x + 1.5, y + ROW * 0.42), cell, step)
            page.lines.append(" ".join(row))
            y += ROW * 0.85
    return y


def _seal(page: _Page, center_mm, text: str, lower: str = ""):
    """Press a red round seal: the name along the upper arc, a star, a line below it."""
    size = page.px(40)
    seal = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(seal)
    red = (205, 35, 40)
    draw.ellipse([2, 2, size - 3, size - 3], outline=red, width=max(2, page.px(1.1)))
    font = _font(page.print_face, max(8, round(size * 0.12)))
    span = min(240.0, 22.0 * len(text))
    radius = size * 0.36
    for i, ch in enumerate(text):
        theta = -90 - span / 2 + span * (i + 0.5) / len(text)
        glyph = Image.new("L", (round(size * 0.16), round(size * 0.16)), 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=font, fill=255,
                                   anchor="mm")
        glyph = glyph.rotate(-(theta + 90), resample=Image.BICUBIC)
        cx = size / 2 + radius * math.cos(math.radians(theta))
        cy = size / 2 + radius * math.sin(math.radians(theta))
        seal.paste(Image.new("RGB", glyph.size, red), (round(cx - glyph.width / 2), round(cy - glyph.height / 2)),
                   glyph)
    star_r = size * 0.11
    points = [(size / 2 + (star_r if k % 2 == 0 else star_r * 0.4) * math.cos(math.radians(-90 + 36 * k)),
               size / 2 + (star_r if k % 2 == 0 else star_r * 0.4) * math.sin(math.radians(-90 + 36 * k)))
              for k in range(10)]
    draw.polygon(points, fill=red)
    if lower:
        draw.text((size / 2, size * 0.72), lower, font=_font(page.print_face, max(8, round(size * 0.09))),
                  fill=red, anchor="mm")
    # Ink is uneven: leave random specks unprinted.
    specks = _noise(page.rng, (size, size)).point(lambda v: 255 if v > 235 else 0)
    seal.paste((255, 255, 255), (0, 0), specks)
    seal = seal.rotate(page.rng.uniform(-25, 25), resample=Image.BICUBIC, fillcolor="white")
    x, y = page.px(center_mm[0]) - size // 2, page.px(center_mm[1]) - size // 2
    region = page.image.crop((x, y, x + size, y + size))
    page.image.paste(ImageChops.multiply(region, seal), (x, y))


def render(spec: FormSpec, content: dict, *, dpi: int, print_face: str, fill_face: str,
           stamp_overlap: float, rng: random.Random) -> tuple[Image.Image, list[str]]:
    """Draw one filled-in form; return the clean page and its text lines in reading order."""
    ink = rng.choice(((15, 25, 95), (10, 10, 10), (25, 45, 120)))
    page = _Page(dpi, print_face, fill_face, ink, rng)
    number = f"{spec.stage[:2]}-{rng.randrange(1000, 9999)}"
    page.text((LEFT, 16), f"表号：{number}", 9)
    page.text(((LEFT + RIGHT) / 2, 27), spec.title, 18, face=_bold(print_face), anchor="mm")
    page.text((LEFT, 37), f"经办机构：{content['office']}", 10)
    page.text((RIGHT, 37), "金额单位：元", 10, anchor="rm")
    page.lines += [f"表号：{number}", spec.title, f"经办机构：{content['office']} 金额单位：元"]
    y = _grid(page, 41, content, spec)

    # Signatures, the fill-in date and the seal.
    top, bottom = y, y + 46
    middle = (LEFT + RIGHT) / 2
    page.box(LEFT, top, middle, bottom)
    page.box(middle, top, RIGHT, bottom)
    signer = content["person"]["name"] if spec.person else content["signer"]
    page.text((LEFT + 3, top + 10), f"{spec.signer}：", 10.5)
    page.write((LEFT + 3 + 10.5 * 0.353 * (len(spec.signer) + 1), top + 10), signer, 35, pt=14)
    page.text((LEFT + 3, top + 24), "本人承诺所填信息真实、准确。", 9.5)
    page.text((middle + 3, top + 8), "单位（盖章）：" if spec.unit else "经办机构（盖章）：", 10.5)
    date_text = cn_date(content["formed_on"])
    label_mm = 10.5 * 0.353 * (len(spec.date_label) + 1)
    date_x = RIGHT - 3 - label_mm - 35
    page.text((date_x, top + 40), f"{spec.date_label}：", 10.5)
    page.write((date_x + label_mm, top + 40), date_text, 37)
    page.lines += [f"{spec.signer}：{signer} 单位（盖章）：" if spec.unit
                   else f"{spec.signer}：{signer} 经办机构（盖章）：",
                   f"{spec.date_label}：{date_text}"]
    # Overlap 0: the seal clear of the date (above it, right); 1: pressed on the date.
    free, on_date = (RIGHT - 23, top + 17), (date_x + label_mm + 16, top + 38)
    center = tuple(a + (b - a) * stamp_overlap for a, b in zip(free, on_date, strict=True))
    if spec.unit:
        _seal(page, center, content["unit"]["name"])
    else:
        _seal(page, center, content["office"], "业务专用章")

    # The agency's own lines under the form.
    y = bottom + 7
    reviewed = cn_date(content["reviewed_on"])
    page.text((LEFT, y), f"经办人：{content['officer']}    复核人：{content['checker']}    审核日期：{reviewed}", 10)
    page.text((LEFT, y + 8), "注：本表一式两份，经办机构、申请人各留存一份。", 9)
    page.lines += [f"经办人：{content['officer']} 复核人：{content['checker']} 审核日期：{reviewed}",
                   "注：本表一式两份，经办机构、申请人各留存一份。"]
    return page.image, page.lines


def _noise(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """Return uniform 8-bit noise drawn from ``rng`` (PIL's own noise ignores every seed)."""
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


def scan_faults(image: Image.Image, *, rng: random.Random, skew: float, noise: float,
            jpeg_quality: int | None, dpi: int, grey: bool = False) -> Image.Image:
    """Make a clean page look scanned: paper tone, blur, skew, sensor noise, JPEG artefacts."""
    image = ImageChops.multiply(image, Image.new("RGB", image.size, (250, 247, 238)))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 0.7) * dpi / 150))
    if skew:
        image = image.rotate(skew, resample=Image.BICUBIC, fillcolor=(246, 244, 236))
    if noise:
        spread = noise * 3 ** 0.5 / 127.5  # uniform grain with standard deviation ``noise``
        grain = _noise(rng, image.size).point(lambda v: round(128 + (v - 127.5) * spread)).convert("RGB")
        image = ImageChops.add(image, grain, 1.0, -128)
    if grey:
        image = image.convert("L")
    if jpeg_quality:
        buffer = BytesIO()
        image.save(buffer, format="JPEG", quality=jpeg_quality)
        image = Image.open(BytesIO(buffer.getvalue()))
        image.load()
    return image


def _truth(spec: FormSpec, content: dict, lines: list[str]) -> dict:
    person, unit = content["person"], content["unit"]
    others = [content["officer"], content["checker"]] + ([content["signer"]] if not person else [])
    return {
        "title": spec.title, "stage_code": spec.stage,
        "names": [person["name"]] if person else [],
        "id_numbers": [person["id"]] if person else [],
        "unit_names": [unit["name"]] if unit else [],
        "credit_codes": [unit["code"]] if unit else [],
        "formed_on": content["formed_on"].isoformat(),
        "dates": [content["formed_on"].isoformat()]
                 + sorted({d.isoformat() for d in content["ctx"]["other_dates"]}
                          | {content["reviewed_on"].isoformat()}),
        "other_names": others,
        "fields": dict(content["fields"]),
        "text": "\n".join(lines),
    }


def generate(n: int, *, seed: int = 0, dpi: int | None = None, degrade: bool = True, font: str | None = None, print_font: str | None = None,
             skew: float | None = None, noise: float | None = None, jpeg_quality: int | None = None,
             stamp_overlap: float | None = None, stages: list[str] | None = None) -> list[Form]:
    """Return ``n`` filled-in forms, each stage's forms in turn, decided by ``seed``.

    Unset parameters vary per form: dpi 150-300, skew ±2°, noise, JPEG quality 40-95,
    the seal's overlap with the date 0-1; fonts go round every installed CJK face
    (``font`` for the filled-in values, ``print_font`` for the printed form).
    ``degrade=False`` gives the clean page.
    """
    specs = [s for s in FORMS if not stages or s.stage in stages or s.stage[:2] in stages]
    fills, prints = fill_fonts(), print_fonts()
    order_rng = random.Random(seed)
    forms = []
    order: list[FormSpec] = []
    for i in range(n):
        if not order:
            order = specs[:]
            order_rng.shuffle(order)
        spec = order.pop()
        rng = random.Random(seed * 1_000_003 + i)
        params = {
            "dpi": dpi or rng.choice((150, 200, 240, 300)),
            "fill_font": font or fills[i % len(fills)],
            "print_font": print_font or prints[(i // len(fills)) % len(prints)],
            "skew": skew if skew is not None else round(rng.uniform(-2, 2), 2),
            "noise": noise if noise is not None else round(rng.uniform(0, 14), 1),
            "jpeg_quality": jpeg_quality if jpeg_quality is not None else rng.randrange(40, 96),
            "stamp_overlap": stamp_overlap if stamp_overlap is not None else round(rng.random(), 2),
            "grey": rng.random() < 0.3,
        }
        content = _content(spec, rng)
        content["signer"] = person_name(rng)
        image, lines = render(spec, content, dpi=params["dpi"], print_face=params["print_font"],
                              fill_face=params["fill_font"], stamp_overlap=params["stamp_overlap"], rng=rng)
        if degrade:
            image = scan_faults(image, rng=rng, skew=params["skew"], noise=params["noise"],
                            jpeg_quality=params["jpeg_quality"], dpi=params["dpi"], grey=params["grey"])
        else:
            params.update(skew=0, noise=0, jpeg_quality=None, grey=False)
        image.info["dpi"] = (params["dpi"], params["dpi"])
        forms.append(Form(image=image, truth=_truth(spec, content, lines), params=params))
    return forms


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("-n", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dpi", type=int)
    parser.add_argument("--font", choices=fill_fonts())
    parser.add_argument("--clean", action="store_true", help="no scan faults")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for i, form in enumerate(generate(args.n, seed=args.seed, dpi=args.dpi, font=args.font,
                                      degrade=not args.clean)):
        stem = args.out / f"form-{i:03d}-{form.truth['stage_code']}"
        form.image.save(stem.with_suffix(".png"), dpi=form.image.info["dpi"])
        stem.with_suffix(".json").write_text(json.dumps({**form.truth, "params": form.params},
                                                        ensure_ascii=False, indent=1))
        print(stem.with_suffix(".png"), form.truth["title"], form.params["fill_font"], form.params["dpi"])


if __name__ == "__main__":
    main()
