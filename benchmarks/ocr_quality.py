"""OCR quality and speed of every engine and setting, on realistic generated forms.

For each setting (Tesseract's languages, page segmentation and preprocessing;
RapidOCR's angle classifier, detection size and threads) this reads the same
generated scans one after another on one core and prints: the character error
rate against the form's true text (whitespace ignored), the share of names and of
ID numbers found exactly, seconds per page, and that time against the reference
setting (today's Tesseract ``chi_sim+eng``) measured in the same run.

    .venv/bin/python benchmarks/ocr_quality.py --forms 24 --seed 14

The forms come from ``benchmarks.forms.generate`` when that module is there;
otherwise from the small generator below (several CJK fonts, a brush font for the
filled-in fields, 150–300 dpi, skew, noise, a stamp, JPEG artefacts).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# One core: Tesseract and onnxruntime each with one thread, this process on one CPU.
os.environ["OMP_THREAD_LIMIT"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"

import django  # noqa: E402

django.setup()

from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from ingest.ocr import OcrBackend, build_backend  # noqa: E402

TESSERACT = "ingest.ocr.tesseract.TesseractOcr"
RAPID = "ingest.ocr.rapid.RapidOcr"
# (label, backend, options); the first is the reference the times are divided by.
SETTINGS: list[tuple[str, str, dict]] = [
    ("tesseract chi_sim+eng (today)", TESSERACT, {"lang": "chi_sim+eng"}),
    ("tesseract chi_sim", TESSERACT, {"lang": "chi_sim"}),
    ("tesseract chi_sim+eng psm 6", TESSERACT, {"lang": "chi_sim+eng", "psm": 6}),
    ("tesseract chi_sim psm 6", TESSERACT, {"lang": "chi_sim", "psm": 6}),
    ("tesseract chi_sim+eng upscale", TESSERACT, {"lang": "chi_sim+eng", "preprocess": ["upscale"]}),
    ("tesseract chi_sim upscale", TESSERACT, {"lang": "chi_sim", "preprocess": ["upscale"]}),
    ("tesseract chi_sim upscale+binarise", TESSERACT,
     {"lang": "chi_sim", "preprocess": ["upscale", "binarise"]}),
    ("tesseract chi_sim binarise", TESSERACT, {"lang": "chi_sim", "preprocess": ["binarise"]}),
    ("rapidocr (no angle cls, side 2000, 1 thread)", RAPID, {}),
    ("rapidocr + angle classifier", RAPID, {"use_angle_cls": True}),
    ("rapidocr max side 1500", RAPID, {"max_side_len": 1500}),
    ("rapidocr max side 3000", RAPID, {"max_side_len": 3000}),
    ("rapidocr det limit 960", RAPID, {"det_limit_side_len": 960, "max_side_len": 3000}),
    ("rapidocr 2 threads", RAPID, {"threads": 2}),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵欧解强丛华车冉房边"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强海燕文斌晓东丹建军玲雪梅春梅秀云国华淑珍桂兰小红凤英金凤德明俊杰子涵浩然欣怡雨轩梓萱思远嘉怡宇航"
TITLES = ["养老保险待遇核定表", "参保人员登记表", "缴费基数核定表", "工伤认定申请表",
          "失业保险金申领表", "医疗保险转移接续申请表", "社会保险关系转移表"]
UNITS = ["某某科技有限公司", "东城区第二建筑工程公司", "市第一人民医院", "海淀区教育委员会",
         "宏达机械制造厂", "新世纪物流有限公司"]
PRINT_FONTS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
               "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
               "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]
HAND_FONTS = ["/usr/share/fonts/truetype/arphic/ukai.ttc"]  # 楷体: pen-written fields


@dataclass
class Form:
    image: bytes  # encoded as a scanner would send it
    suffix: str
    truth: dict = field(default_factory=dict)  # names, id_numbers, dates, text


def citizen_id(rng: random.Random) -> str:
    """A valid 18-digit 公民身份号码 (GB 11643 check digit)."""
    area = rng.choice(["110105", "310104", "440106", "350102", "510107", "420106"])
    born = f"{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = area + born + f"{rng.randint(0, 999):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


def _fallback_generate(n: int, seed: int) -> list[Form]:
    rng = random.Random(seed)
    prints = [f for f in PRINT_FONTS if Path(f).exists()]
    hands = [f for f in HAND_FONTS if Path(f).exists()] or prints
    forms = []
    for i in range(n):
        dpi = rng.choice([150, 200, 300])
        scale = dpi / 150
        size = (int(1240 * scale), int(1754 * scale))
        image = Image.new("L", size, 255)
        draw = ImageDraw.Draw(image)
        label_font = ImageFont.truetype(rng.choice(prints), int(28 * scale))  # ~13 pt
        title_font = ImageFont.truetype(prints[i % len(prints)], int(44 * scale))
        hand_font = ImageFont.truetype(rng.choice(hands), int(rng.randint(26, 34) * scale))
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
        id_number = citizen_id(rng)
        year, month, day = rng.randint(1995, 2024), rng.randint(1, 12), rng.randint(1, 28)
        date = f"{year}年{month}月{day}日"
        title = rng.choice(TITLES)
        fields = [("姓名", name), ("公民身份号码", id_number), ("单位名称", rng.choice(UNITS)),
                  ("缴费基数", f"{rng.randint(2000, 30000)}元"),
                  ("联系电话", f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}"),
                  ("险种", rng.choice(["养老保险", "失业保险", "工伤保险", "医疗保险"])),
                  ("经办日期", date)]
        lines = [title]
        y = int(140 * scale)
        draw.text((int(size[0] / 2 - 22 * scale * len(title)), y), title, font=title_font, fill=0)
        y += int(130 * scale)
        left, split = int(110 * scale), int(360 * scale)
        for label, value in fields:
            # A table row: a ruled box, the printed label, the value written in by hand.
            draw.rectangle((left - int(20 * scale), y - int(22 * scale), size[0] - left,
                            y + int(52 * scale)), outline=0, width=max(1, int(2 * scale)))
            draw.line((split - int(30 * scale), y - int(22 * scale), split - int(30 * scale),
                       y + int(52 * scale)), fill=0, width=max(1, int(2 * scale)))
            draw.text((left, y), label, font=label_font, fill=0)
            draw.text((split + rng.randint(0, int(40 * scale)), y + rng.randint(-4, 4)), value,
                      font=hand_font, fill=rng.randint(0, 60))
            lines.append(f"{label}{value}")
            y += int(74 * scale)
        # The agency's round stamp over the date, in the grey a red stamp scans to.
        cx, cy, r = int(size[0] * 0.7), y - int(60 * scale), int(110 * scale)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=150, width=int(5 * scale))
        image = image.rotate(rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC,
                             fillcolor=255, expand=False)
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8) * scale))
        noise = Image.effect_noise(size, rng.uniform(8, 18))
        image = Image.blend(image, noise, 0.12)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=rng.randint(55, 85), dpi=(dpi, dpi))
        forms.append(Form(buffer.getvalue(), ".jpg", {"names": [name], "id_numbers": [id_number],
                                                    "dates": [date], "text": "\n".join(lines),
                                                    "dpi": dpi}))
    return forms


def generate(n: int, seed: int) -> tuple[list[Form], str]:
    """The benchmark's forms and where they came from."""
    try:
        from benchmarks.forms import generate as shared
    except ImportError:
        return _fallback_generate(n, seed), "benchmarks/ocr_quality.py's generator"
    forms = []
    for form in shared(n, seed):
        image = form.image
        if isinstance(image, Image.Image):
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", dpi=image.info.get("dpi", (150, 150)))
            image, suffix = buffer.getvalue(), ".png"
        else:
            suffix = getattr(form, "suffix", ".png")
        forms.append(Form(image, suffix, dict(form.truth)))
    return forms, "benchmarks/forms.py"


def _squash(text: str) -> str:
    return "".join(text.split())


def measure(backend: OcrBackend, forms: list[Form]) -> dict:
    errors = chars = names = names_total = ids = ids_total = 0
    backend.recognise_encoded(forms[0].image, suffix=forms[0].suffix)  # load models, warm caches
    start = time.perf_counter()
    for form in forms:
        text = _squash(backend.recognise_encoded(form.image, suffix=form.suffix,
                                                 dpi=form.truth.get("dpi")).text)
        truth = _squash(form.truth["text"])
        errors += Levenshtein.distance(text, truth)
        chars += len(truth)
        names += sum(_squash(n) in text for n in form.truth.get("names", []))
        names_total += len(form.truth.get("names", []))
        ids += sum(i in text for i in form.truth.get("id_numbers", []))
        ids_total += len(form.truth.get("id_numbers", []))
    seconds = (time.perf_counter() - start) / len(forms)
    return {"cer": errors / max(chars, 1), "names": names / max(names_total, 1),
            "ids": ids / max(ids_total, 1), "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=24)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--only", help="run only settings whose label contains this")
    args = parser.parse_args()
    load = os.getloadavg()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    forms, source = generate(args.forms, args.seed)
    dpis = sorted({f.truth.get("dpi") for f in forms if f.truth.get("dpi")})
    print(f"{len(forms)} forms from {source} (seed {args.seed}, dpi {dpis}); one core; "
          f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} cores")
    header = f"{'engine / setting':<46} {'CER':>7} {'names':>7} {'IDs':>7} {'s/page':>7} {'× ref':>6}"
    print(header)
    print("-" * len(header))
    reference = None
    for label, backend_path, options in SETTINGS:
        if args.only and args.only not in label and reference is not None:
            continue
        backend = build_backend({"BACKEND": backend_path, "OPTIONS": options})
        row = measure(backend, forms)
        reference = reference or row["seconds"]
        print(f"{label:<46} {row['cer']:7.1%} {row['names']:7.0%} {row['ids']:7.0%} "
              f"{row['seconds']:7.2f} {row['seconds'] / reference:6.2f}", flush=True)


if __name__ == "__main__":
    main()
