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


KINDS = (("stage", "stage accuracy"), ("title", "title exact"), ("name", "member name"),
         ("id", "ID number"), ("unit_name", "unit name"), ("credit_code", "credit code"),
         ("date", "formation date"))


class Tally(dict):
    """Per kind: [right, seen, applied, applied and right]."""

    def see(self, kind: str, right: bool, applied: bool) -> None:
        counts = self.setdefault(kind, [0, 0, 0, 0])
        counts[0] += right
        counts[1] += 1
        counts[2] += applied
        counts[3] += applied and right


def _pairs(tally, number_kind, name_kind, numbers, names, found: dict) -> None:
    """Count the numbers found, and the names read beside them (applied when sure)."""
    sure = settings.INGEST_EXTRACT_THRESHOLD
    for number, name in zip(numbers, names, strict=True):
        entry = found.get(number, {})
        tally.see(number_kind, bool(entry), bool(entry))
        tally.see(name_kind, entry.get("name") == name,
                  bool(entry.get("name")) and entry.get("confidence", 0) >= sure)


def score(forms, readings) -> Tally:
    """Hit rates of the extraction over ``readings`` (text, words) of ``forms``."""
    tally = Tally()
    sure = settings.INGEST_EXTRACT_THRESHOLD
    for form, reading in zip(forms, readings, strict=True):
        truth, found = form.truth, extract([reading])
        stage, stage_conf = found.stage or (None, 0.0)
        tally.see("stage", stage == truth["stage_code"],
                  stage_conf >= settings.INGEST_CLASSIFY_THRESHOLD)
        title, title_conf = found.title or (None, 0.0)
        tally.see("title", title == truth["title"], title_conf >= sure)
        _pairs(tally, "id", "name", truth["id_numbers"], truth["names"],
               {m["id_number"]: m for m in found.members})
        _pairs(tally, "credit_code", "unit_name", truth["credit_codes"], truth["unit_names"],
               {u["credit_code"]: u for u in found.units})
        day, day_conf = found.formed_on or (None, 0.0)
        tally.see("date", bool(day) and day.isoformat() == truth["formed_on"], day_conf >= sure)
    return tally


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
    print(f"{'':18}{'OCR: right':>16}{'applied':>9}{'wrong':>7}{'clean text':>16}")
    for key, label in KINDS:
        right, seen, applied, applied_right = ocr_hits.get(key, [0, 0, 0, 0])
        clean_right, clean_seen = clean_hits.get(key, [0, 0])[:2]
        if not seen:
            continue
        print(f"{label:18}{right / seen:>9.1%} {right:>2}/{seen:<3}{applied:>8}{applied - applied_right:>7}"
              f"{clean_right / clean_seen:>10.1%} {clean_right:>2}/{clean_seen:<3}")
    print("applied: at or above the threshold (stage: INGEST_CLASSIFY_THRESHOLD "
          f"{settings.INGEST_CLASSIFY_THRESHOLD:.2f}, others: INGEST_EXTRACT_THRESHOLD "
          f"{settings.INGEST_EXTRACT_THRESHOLD:.2f}); wrong: applied but not the truth")
    if reference:
        right = sum(reference(text).stage_code == f.truth["stage_code"]
                    for f, (text, _) in zip(forms, readings, strict=True))
        sure = sum(reference(text).confidence >= settings.INGEST_CLASSIFY_THRESHOLD
                   for _, (text, _) in zip(forms, readings, strict=True))
        print(f"reference (main's classifier, same OCR text): stage accuracy {right / args.n:.1%}, "
              f"confident {sure / args.n:.1%}")


if __name__ == "__main__":
    main()
