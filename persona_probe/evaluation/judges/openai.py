"""The ``openai`` judge backend: any OpenAI-compatible chat-completions endpoint.

Configuration comes from the environment, never from the command line (so keys
stay out of shell history and provenance):

* ``PERSONA_PROBE_JUDGE_BASE_URL`` (or ``OPENAI_BASE_URL``), default https://api.openai.com/v1
* ``PERSONA_PROBE_JUDGE_API_KEY`` (or ``OPENAI_API_KEY``)
* ``PERSONA_PROBE_JUDGE_MODEL``, default gpt-4o-2024-08-06
* ``PERSONA_PROBE_JUDGE_MAX_RETRIES``, default 5 (backoff doubles from 1 s; Retry-After is honoured)

The key is sent only in the Authorization header and is scrubbed from every
error message. Responses are cached on disk, keyed by model and prompt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

from ...errors import PersonaProbeError
from ...models.loading import cache_dir
from .base import Backend, JudgePrompts, JudgeScore, JudgeSettings, combine, prompt_set, score_from_logprobs

log = logging.getLogger(__name__)
_RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}


class JudgeServerError(PersonaProbeError):
    """The judge endpoint could not be used."""


def checked_base_url(url: str) -> str:
    """The endpoint's base URL, refused with one clear line when it is not an http(s) URL."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() or ord(c) < 32 for c in url):
        raise JudgeServerError(f"judge base URL {url!r} is not an http(s) URL without spaces; fix "
                               "PERSONA_PROBE_JUDGE_BASE_URL (e.g. https://api.openai.com/v1)")
    return url.rstrip("/")


def _env_count(name: str, default: int) -> int:
    text = os.environ.get(name, str(default)).strip()
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise JudgeServerError(f"{name}={text!r} is not a whole number of retries (0 or more)")
    return value


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only on the same host and scheme: urllib would send the API key to any host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if (new.scheme, new.netloc) != (old.scheme, old.netloc):
            raise JudgeServerError(f"judge endpoint {old.scheme}://{old.netloc} redirected to "
                                   f"{new.scheme}://{new.netloc}; the API key is not sent to another host. Set "
                                   "PERSONA_PROBE_JUDGE_BASE_URL to the address the endpoint really has")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class OpenAIJudge:
    name = "openai"

    def __init__(self, settings: JudgeSettings = JudgeSettings(), base_url: str | None = None,
                 api_key: str | None = None, model: str | None = None, cache_path: str | Path | None = None,
                 max_retries: int | None = None, timeout_s: float = 60.0, backoff_s: float = 1.0):
        env = os.environ
        self.base_url = checked_base_url((base_url or env.get("PERSONA_PROBE_JUDGE_BASE_URL")
                                          or env.get("OPENAI_BASE_URL") or "https://api.openai.com/v1").strip())
        # An env file with CRLF line ends leaves a \r on the key; no key has surrounding whitespace.
        self._key = (api_key or env.get("PERSONA_PROBE_JUDGE_API_KEY") or env.get("OPENAI_API_KEY") or "").strip()
        self.model = model or env.get("PERSONA_PROBE_JUDGE_MODEL") or "gpt-4o-2024-08-06"
        if settings.concurrency < 1:
            raise JudgeServerError(f"--judge-concurrency {settings.concurrency}: at least 1 request at a time")
        self.concurrency = settings.concurrency
        self.own_prompts = prompt_set(settings.prompts)
        self.prompts = self.own_prompts.name
        self.max_retries = max_retries if max_retries is not None else _env_count("PERSONA_PROBE_JUDGE_MAX_RETRIES", 5)
        self._opener = urllib.request.build_opener(_SameHostRedirects)
        self.timeout_s = timeout_s
        self.backoff_s = backoff_s
        self.cache_path = Path(cache_path) if cache_path else cache_dir() / "judge-cache.jsonl"
        self._lock = threading.Lock()
        self._cache = self._load_cache()
        self.requests_sent = 0

    def __repr__(self) -> str:  # never show the key
        return f"OpenAIJudge(base_url={self.base_url!r}, model={self.model!r})"

    def score(self, pairs: Sequence[tuple[str, str]],
              prompts: Sequence[JudgePrompts | None] | None = None) -> list[JudgeScore]:
        chosen = prompts or [None] * len(pairs)
        flat = [text for (q, a), own in zip(pairs, chosen) for text in (own or self.own_prompts).render(q, a)]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            logprobs = list(pool.map(self.top_logprobs, flat))
        return [combine(score_from_logprobs(logprobs[2 * i]), score_from_logprobs(logprobs[2 * i + 1]))
                for i in range(len(pairs))]

    def top_logprobs(self, prompt: str) -> dict[str, float]:
        """The top-20 logprobs of the first reply token, from the cache or the endpoint."""
        key = hashlib.sha256(f"{self.base_url}\x00{self.model}\x00{prompt}".encode()).hexdigest()
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        body = {"model": self.model, "messages": [{"role": "user", "content": prompt}], "max_tokens": 1,
                "temperature": 0, "logprobs": True, "top_logprobs": 20, "seed": 0}
        reply = self._post("/chat/completions", body)
        try:
            top = reply["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
            result = {item["token"]: float(item["logprob"]) for item in top}
        except (KeyError, IndexError, TypeError, ValueError):
            raise JudgeServerError(f"judge endpoint {self.base_url} returned no top_logprobs; "
                                   "it must support logprobs=true and top_logprobs=20") from None
        with self._lock:
            self._cache[key] = result
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.cache_path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"key": key, "top_logprobs": result}) + "\n")
        return result

    def _post(self, path: str, body: dict) -> dict:
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        last = ""
        for attempt in range(self.max_retries + 1):
            request = urllib.request.Request(self.base_url + path, data=data, headers=headers, method="POST")
            wait = self.backoff_s * 2**attempt * (0.5 + random.random())
            try:
                with self._lock:
                    self.requests_sent += 1
                with self._opener.open(request, timeout=self.timeout_s) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as err:
                last = f"HTTP {err.code}"
                if err.code not in _RETRY_STATUS:
                    detail = self._scrub(err.read()[:300].decode("utf-8", "replace"))
                    raise JudgeServerError(f"judge endpoint {self.base_url} refused the request ({last}: {detail}); "
                                           "check PERSONA_PROBE_JUDGE_MODEL and the API key") from None
                retry_after = err.headers.get("Retry-After") if err.headers else None
                if retry_after:
                    try:
                        wait = max(wait, float(retry_after))
                    except ValueError:
                        pass
            except (urllib.error.URLError, TimeoutError, ConnectionError, ValueError) as err:
                last = self._scrub(str(getattr(err, "reason", err)))
            if attempt < self.max_retries:
                log.info("judge endpoint: %s; retry %d of %d in %.1f s", last, attempt + 1, self.max_retries, wait)
                time.sleep(wait)
        raise JudgeServerError(f"judge endpoint {self.base_url} unreachable after {self.max_retries + 1} tries "
                               f"({last}); check PERSONA_PROBE_JUDGE_BASE_URL")

    def _scrub(self, text: str) -> str:
        """``text`` without the key, in any form an error message may quote it (raw, repr, escaped)."""
        if not self._key:
            return text
        forms = {self._key, repr(self._key)[1:-1], self._key.encode("unicode_escape").decode("ascii"),
                 str(self._key.encode("utf-8", "backslashreplace"))[2:-1]}
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "***")
        return text

    def _load_cache(self) -> dict[str, dict[str, float]]:
        cache: dict[str, dict[str, float]] = {}
        if self.cache_path.is_file():
            with open(self.cache_path, encoding="utf-8") as f:
                for line in f:
                    try:
                        row = json.loads(line)
                        cache[row["key"]] = row["top_logprobs"]
                    except (ValueError, KeyError):
                        continue  # a torn line from an interrupted run
        return cache


BACKEND = Backend("openai", "openai", "any OpenAI-compatible endpoint (PERSONA_PROBE_JUDGE_BASE_URL, _MODEL, _API_KEY or OPENAI_*), the published top-20 logprob method", OpenAIJudge, order=20)
