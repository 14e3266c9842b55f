"""Reachability of access and download URLs: checked only when enabled, with a timeout and a cache.

A URL is ``reachable`` when an HTTP(S) HEAD request (or a GET, where the server refuses HEAD)
answers with a status below 400 after redirects, ``unreachable`` when it answers 400 or more, fails
to connect or times out, and ``unchecked`` when it was not checked: checks are off, the URL is not
HTTP(S), or (in cache-only mode) no fresh result is cached. Unchecked is never a failure.

The cache is one JSON file (by default ``<data dir>/quality-links.json``) mapping each URL to its
last result and the time it was checked; a result older than ``max_age`` seconds is checked again.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

REACHABLE, UNREACHABLE, UNCHECKED = "reachable", "unreachable", "unchecked"
USER_AGENT = "KIMed-quality-linkcheck/1 (+https://w3id.org/kimed)"


@dataclass
class LinkResult:
    url: str
    reachable: bool
    status: int | None  # the HTTP status, None when there was no answer
    reason: str  # "ok", "http 404", "timeout", or the connection error
    checked_at: float


def _request(url: str, method: str, timeout: float) -> int:
    req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310 (http(s) only)
        return response.status


def fetch(url: str, timeout: float) -> LinkResult:
    """Check one URL now (HEAD, then GET when HEAD is refused)."""
    now = time.time()
    try:
        try:
            status = _request(url, "HEAD", timeout)
        except urllib.error.HTTPError as exc:
            if exc.code not in (403, 405, 501):
                raise
            status = _request(url, "GET", timeout)
    except urllib.error.HTTPError as exc:
        return LinkResult(url, False, exc.code, f"http {exc.code}", now)
    except TimeoutError:
        return LinkResult(url, False, None, f"timeout after {timeout:g} s", now)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            return LinkResult(url, False, None, f"timeout after {timeout:g} s", now)
        return LinkResult(url, False, None, str(reason)[:200], now)
    return LinkResult(url, status < 400, status, "ok" if status < 400 else f"http {status}", now)


def checkable(url: str | None) -> bool:
    return bool(url) and url.lower().startswith(("http://", "https://"))


class LinkChecker:
    """Link states for the scorer. ``fetch_missing=False`` reads the cache only (no network)."""

    def __init__(self, cache_path: Path | None, *, timeout: float = 5.0,
                 max_age: float = 7 * 86400, fetch_missing: bool = True) -> None:
        self.cache_path = cache_path
        self.timeout = timeout
        self.max_age = max_age
        self.fetch_missing = fetch_missing
        self._lock = threading.Lock()
        self._cache: dict[str, LinkResult] = self._load()
        self._dirty = False

    def _load(self) -> dict[str, LinkResult]:
        if self.cache_path is None or not self.cache_path.is_file():
            return {}
        try:
            raw = json.loads(self.cache_path.read_text(encoding="utf-8"))
            return {url: LinkResult(**entry) for url, entry in raw.get("links", {}).items()}
        except (ValueError, TypeError, OSError):
            return {}  # a broken cache is only a cache: start again

    def cached(self, url: str) -> LinkResult | None:
        """The cached result of ``url`` when it is fresh enough."""
        found = self._cache.get(url)
        if found is not None and time.time() - found.checked_at <= self.max_age:
            return found
        return None

    def result(self, url: str) -> LinkResult | None:
        if not checkable(url):
            return None
        found = self.cached(url)
        if found is None and self.fetch_missing:
            found = fetch(url, self.timeout)
            with self._lock:
                self._cache[url] = found
                self._dirty = True
        return found

    def status(self, url: str) -> str:
        found = self.result(url)
        if found is None:
            return UNCHECKED
        return REACHABLE if found.reachable else UNREACHABLE

    def check_many(self, urls, workers: int = 8) -> None:
        """Check every URL that has no fresh result, in parallel threads."""
        todo = sorted({u for u in urls if checkable(u) and self.cached(u) is None})
        if not todo or not self.fetch_missing:
            return
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(todo)))) as pool:
            list(pool.map(self.result, todo))

    def save(self) -> None:
        """Write the cache (atomically) when something new was checked."""
        if self.cache_path is None or not self._dirty:
            return
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        data = {"links": {url: asdict(r) for url, r in sorted(self._cache.items())}}
        fd, tmp = tempfile.mkstemp(dir=self.cache_path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)
        os.replace(tmp, self.cache_path)
        self._dirty = False
