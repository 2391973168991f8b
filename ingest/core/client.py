"""A small HTTP client of the core intake API, as the core would call it.

Used by ``manage.py core_replay`` (demos, load) and ``benchmarks/core_api.py``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import requests


@dataclass
class Answer:
    status: int
    body: dict
    seconds: float
    replayed: bool = False


class CoreAPIClient:
    def __init__(self, base_url: str, token: str, *, timeout: float = 60.0):
        self.base = base_url.rstrip("/") + "/api/v1/core/"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout

    def push(self, *, key: str, metadata: dict, file_name: str, data: bytes,
             content_type: str = "application/octet-stream") -> Answer:
        files = {"file": (file_name, data, content_type),
                 "metadata": (None, json.dumps(metadata, ensure_ascii=False), "application/json")}
        return self._call("post", "documents/", files=files, headers={"Idempotency-Key": key})

    def document(self, record_id: int) -> Answer:
        return self._call("get", f"documents/{record_id}/")

    def links(self, **params) -> Answer:
        return self._call("get", "links/", params=params)

    def _call(self, method: str, path: str, **kwargs) -> Answer:
        started = time.perf_counter()
        response = self.session.request(method, self.base + path, timeout=self.timeout, **kwargs)
        seconds = time.perf_counter() - started
        try:
            body = response.json()
        except ValueError:
            body = {"detail": response.text[:500]}
        return Answer(response.status_code, body if isinstance(body, dict) else {"results": body},
                      seconds, response.headers.get("Idempotent-Replayed") == "true")
