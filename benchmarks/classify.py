"""Measure classification and extraction on generated forms, OCR'd as ingest does.

Generates N realistic forms (benchmarks/forms.py: several fonts, noise, skew, JPEG,
150-300 dpi), OCRs each with the pipeline's engine, runs ingest/extract.py and prints
the stage classification accuracy (goal >= 90 %), the title exact-match rate and the
hit rates of member names, ID numbers, unit names, credit codes and formation dates;
the same on the forms' clean ground-truth text (the upper bound, OCR taken out); and,
as the reference in the same run, the stage accuracy of main's classifier on the
same OCR text.

    DATABASE_URL=... .venv/bin/python benchmarks/classify.py -n 60 [--seed 1] [--processes 2]

Needs a migrated database (the file plan's stages); the embedded default (SQLite in
ARCHIVE_DATA_DIR) is migrated here if new.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import types
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import django

django.setup()

from django.conf import settings
from django.core.management import call_command

from benchmarks.forms import generate
from ingest.extract import extract


def ocr(page: bytes) -> tuple[str, list]:
    """OCR one encoded page as ingest does; the one place to swap the engine."""
    from ingest.ocr import ocr_encoded
    result = ocr_encoded(page, suffix=".png")
    return result.text, result.words


def _main_classifier():
    """main's ingest/classify.py, loaded beside this tree's: the reference."""
    try:
        source = subprocess.run(["git", "-C", str(ROOT), "show", "main:ingest/classify.py"],
                                capture_output=True, text=True, check=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    module = types.ModuleType("main_classify")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "main:ingest/classify.py", "exec"), module.__dict__)  # noqa: S102
    return module.suggest_stage


def _count(hits, number_key, name_key, numbers, names, found: dict) -> None:
    """Count the numbers found, and the names found beside them."""
    for number, name in zip(numbers, names, strict=True):
        hits[number_key][0] += number in found
        hits[name_key][0] += found.get(number) == name
        hits[number_key][1] += 1
        hits[name_key][1] += 1


def score(forms, readings) -> dict:
    """Hit rates of the extraction over ``readings`` (text, words) of ``forms``."""
    hits = {k: [0, 0] for k in ("stage", "stage_confident", "title", "name", "id", "unit_name",
                                 "credit_code", "date")}
    threshold = settings.INGEST_CLASSIFY_THRESHOLD
    for form, reading in zip(forms, readings, strict=True):
        truth, found = form.truth, extract([reading])
        stage = found.stage[0] if found.stage else None
        hits["stage"][0] += stage == truth["stage_code"]
        hits["stage"][1] += 1
        if found.stage and found.stage[1] >= threshold:
            hits["stage_confident"][0] += stage == truth["stage_code"]
            hits["stage_confident"][1] += 1
        hits["title"][0] += bool(found.title) and found.title[0] == truth["title"]
        hits["title"][1] += 1
        _count(hits, "id", "name", truth["id_numbers"], truth["names"],
               {m["id_number"]: m["name"] for m in found.members})
        _count(hits, "credit_code", "unit_name", truth["credit_codes"], truth["unit_names"],
               {u["credit_code"]: u["name"] for u in found.units})
        hits["date"][0] += bool(found.formed_on) and found.formed_on[0].isoformat() == truth["formed_on"]
        hits["date"][1] += 1
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    forms = generate(args.n, seed=args.seed)
    started = time.perf_counter()
    with ProcessPoolExecutor(args.processes) as pool:
        readings = list(pool.map(ocr, [form.encoded("PNG") for form in forms]))
    seconds = time.perf_counter() - started
    clean = [(form.truth["text"], []) for form in forms]
    ocr_hits, clean_hits = score(forms, readings), score(forms, clean)
    reference = _main_classifier()
    print(f"{args.n} forms, seed {args.seed}, {len({f.truth['stage_code'] for f in forms})} stages, "
          f"fonts {sorted({f.params['fill_font'] for f in forms})}, OCR {seconds / args.n:.2f} s/page")
    print(f"{'':24}{'OCR':>14}{'clean text':>14}")
    for key, label in (("stage", "stage accuracy"), ("stage_confident", "  of confident ones"),
                       ("title", "title exact"), ("name", "member name"), ("id", "ID number"),
                       ("unit_name", "unit name"), ("credit_code", "credit code"),
                       ("date", "formation date")):
        row = [ocr_hits[key], clean_hits[key]]
        print(f"{label:24}" + "".join(f"{h / t:>9.1%} {h:>2}/{t:<2}" if t else f"{'—':>14}" for h, t in row))
    confident = ocr_hits["stage_confident"][1] / args.n
    print(f"stage suggested with confidence >= {settings.INGEST_CLASSIFY_THRESHOLD:.2f}: {confident:.1%}")
    if reference:
        right = sum(reference(text).stage_code == f.truth["stage_code"]
                    for f, (text, _) in zip(forms, readings, strict=True))
        sure = sum(reference(text).confidence >= settings.INGEST_CLASSIFY_THRESHOLD
                   for _, (text, _) in zip(forms, readings, strict=True))
        print(f"reference (main's classifier, same OCR text): stage accuracy {right / args.n:.1%}, "
              f"confident {sure / args.n:.1%}")


if __name__ == "__main__":
    main()
