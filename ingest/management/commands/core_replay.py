"""Replay a file of core events through the intake API (demos and load tests).

Each line of the JSONL file is one push::

    {"idempotency_key": "SB202611000123-1", "file": "docs/sb123.pdf", "metadata": {...}}

``file`` is relative to the JSONL file's folder. A line that cannot be sent
(bad JSON, missing file) is reported and the rest go on.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.core.client import CoreAPIClient

FINAL = {"ready", "failed", "needs_review", "destroyed"}


class Command(BaseCommand):
    help = "Replay core events (JSONL: idempotency_key, file, metadata) through the API."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSONL file of events")
        parser.add_argument("--url", default=os.environ.get("CORE_API_URL", "http://127.0.0.1:8000"),
                            help="the archive's base URL (default $CORE_API_URL or localhost:8000)")
        parser.add_argument("--token", default=os.environ.get("CORE_TOKEN", ""),
                            help="a client token (default $CORE_TOKEN)")
        parser.add_argument("--concurrency", type=int, default=1)
        parser.add_argument("--wait", action="store_true",
                            help="then poll each document until it is ready or failed")
        parser.add_argument("--timeout", type=float, default=600, help="seconds to wait, in all")
        parser.add_argument("--json", action="store_true", dest="as_json", help="one JSON object per line out")

    def handle(self, *args, file, url, token, concurrency, wait, timeout, as_json, **options):
        if not token:
            raise CommandError("give --token or set CORE_TOKEN (manage.py core_client create)")
        path = Path(file)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CommandError(f"{file}: cannot be read ({exc.strerror})") from None
        client = CoreAPIClient(url, token)
        events = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            results = list(pool.map(lambda e: self._push(client, path.parent, *e), events))
        for result in results:
            self._print(result, as_json)
        accepted = [r for r in results if r["status"] in (200, 201)]
        if wait and accepted:
            self._wait(client, accepted, timeout, as_json)
        refused = len(results) - len(accepted)
        summary = (f"{len(results)} events: {len(accepted)} accepted "
                   f"({sum(1 for r in accepted if r.get('replayed'))} repeated), {refused} refused")
        if refused:
            raise CommandError(summary)
        self.stdout.write(summary)

    def _push(self, client, folder: Path, number: int, line: str) -> dict:
        try:
            event = json.loads(line)
            if not isinstance(event, dict):
                raise ValueError("not a JSON object")
            key, metadata = str(event["idempotency_key"]), event["metadata"]
            data = (folder / event["file"]).read_bytes()
        except (ValueError, KeyError, TypeError) as exc:
            return {"line": number, "status": 0, "error": f"bad event line: {exc!r}"}
        except OSError as exc:
            return {"line": number, "status": 0, "error": f"{event['file']}: {exc.strerror}"}
        try:
            answer = client.push(key=key, metadata=metadata, file_name=Path(event["file"]).name,
                                 data=data)
        except Exception as exc:  # noqa: BLE001 - a network failure of one line, report and go on
            return {"line": number, "status": 0, "error": f"{type(exc).__name__}: {exc}"}
        return {"line": number, "status": answer.status, "replayed": answer.replayed,
                "ms": round(answer.seconds * 1000, 1), **answer.body}

    def _print(self, result: dict, as_json: bool):
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
        elif result["status"] in (200, 201):
            self.stdout.write(f"line {result['line']}: {result['status']} record {result['id']} "
                              f"{result['archive_code']}{' (repeat)' if result['replayed'] else ''}")
        else:
            why = result.get("error") or result.get("detail")
            self.stdout.write(f"line {result['line']}: refused ({result['status']}) {why}")

    def _wait(self, client, accepted: list[dict], timeout: float, as_json: bool):
        pending = {r["id"] for r in accepted}
        deadline = time.monotonic() + timeout
        final = {}
        while pending and time.monotonic() < deadline:
            for record_id in sorted(pending):
                answer = client.document(record_id)
                if answer.body.get("status") in FINAL:
                    final[record_id] = answer.body
            pending -= set(final)
            if pending:
                time.sleep(1)
        for record_id, body in sorted(final.items()):
            if as_json:
                self.stdout.write(json.dumps({"id": record_id, "status": body["status"],
                                              "errors": body["errors"]}, ensure_ascii=False))
            else:
                self.stdout.write(f"record {record_id}: {body['status']} {'; '.join(body['errors'])}")
        if pending:
            raise CommandError(f"{len(pending)} documents not finished after {timeout:.0f} s: "
                               + ", ".join(map(str, sorted(pending))))
