"""Who is asking, for the web layer: the session cookie, CSRF tokens and the login throttle.

- **Session cookie** ``kimed_session``: the plaintext key of a web session
  (kimed.accounts.tokens); HttpOnly, SameSite=Lax, Secure when the request came over https.
- **CSRF token**: every state-changing form carries ``csrf_token``, an HMAC-SHA256 of the fixed
  label ``kimed-csrf`` keyed with the session key, so it is bound to the session, needs no
  storage and cannot be computed without the HttpOnly cookie. Before login, a random
  ``kimed_csrf`` cookie plays the session's part, so the login form is protected too.
- **Login throttle**: failed logins are counted in memory per username and per client address
  over a sliding window; past the limit, further attempts are refused (429) until the window
  has passed. The counts live in the process: they reset on restart and are not shared between
  worker processes (see docs/accounts.md).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response

SESSION_COOKIE = "kimed_session"
CSRF_COOKIE = "kimed_csrf"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class Account:
    """What pages show of the signed-in user; a snapshot that outlives the request's session
    (error pages render after it has closed). The permission rules accept it like a User."""

    username: str
    full_name: str | None
    role: str
    is_active: bool
    publisher_iris: frozenset[str]

    @classmethod
    def of(cls, user: Any) -> Account | None:
        if user is None:
            return None
        return cls(user.username, user.full_name, user.role, user.is_active,
                   frozenset(user.publisher_iris))


class LoginRequired(Exception):
    """The request needs a signed-in user (HTML: redirect to /login; API: 401)."""

    def __init__(self, message: str, rule: str = "authentication required") -> None:
        super().__init__(message)
        self.message, self.rule = message, rule


class CsrfError(Exception):
    """A state-changing form came without the right CSRF token (answered with 403)."""


class TooManyAttempts(Exception):
    """Too many failed logins for a username or address (answered with 429)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {max(1, retry_after // 60)} "
                         "minute(s)")
        self.retry_after = retry_after


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str,
               max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=is_https(request))


def csrf_seed(request: Request) -> str | None:
    """The secret the request's CSRF token derives from: the session key, else the pre-login
    cookie; None when the browser holds neither."""
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(CSRF_COOKIE) or None


def csrf_token_for(seed: str) -> str:
    return hmac.new(seed.encode("utf-8"), b"kimed-csrf", hashlib.sha256).hexdigest()


def new_csrf_seed() -> str:
    return secrets.token_urlsafe(32)


def check_csrf(request: Request, submitted: object) -> None:
    """Raise :class:`CsrfError` unless ``submitted`` is the token of this request's seed."""
    seed = csrf_seed(request)
    if not seed or not isinstance(submitted, str) or not submitted:
        raise CsrfError("the form's security token (csrf_token) is missing; reload the page "
                        "and send the form again")
    if not hmac.compare_digest(csrf_token_for(seed), submitted):
        raise CsrfError("the form's security token (csrf_token) is wrong or belongs to another "
                        "session; reload the page and send the form again")


def safe_next(target: str | None) -> str:
    """A local path to go to after login (never another site)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return "/"
    return target


class LoginThrottle:
    """Failed logins per key (``user:<name>``, ``ip:<address>``) in a sliding window."""

    def __init__(self, per_user: int = 5, per_address: int = 20, window: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_user, self.per_address, self.window = per_user, per_address, window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def _limit(self, key: str) -> int:
        return self.per_user if key.startswith("user:") else self.per_address

    def check(self, username: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` when either key is over its limit."""
        now = self._clock()
        with self._lock:
            for key in (f"user:{username.strip().lower()}", f"ip:{address}"):
                times = self._recent(key, now)
                if len(times) >= self._limit(key):
                    raise TooManyAttempts(int(times[0] + self.window - now) + 1)

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        with self._lock:
            for key in (f"user:{username.strip().lower()}", f"ip:{address}"):
                times = self._recent(key, now)
                times.append(now)
                self._failures[key] = times

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{username.strip().lower()}", None)
