"""One shared botocore session for the whole audit, with clients cached per (account, region, service).

Creating a client re-reads and re-parses the service model (about 100 ms each); an audit makes
thousands of calls over a few dozen (account, region, service) triples, so clients are built once,
under a lock, and shared by the worker threads (botocore clients are thread-safe; sessions are not).

Credentials: the caller's usual chain (env, profile, SSO, instance role; AWS_ENDPOINT_URL is honoured
by botocore) reads the organization and assumes the audit role in each member account. The role is
assumed once per account; a failure is remembered so every task of that account fails the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

DEFAULT_RETRY_ATTEMPTS = 8


@dataclass(frozen=True)
class AssumeSettings:
    role_name: str = "OrdinanceAudit"
    external_id: str | None = None
    session_name: str = "ordinance-audit"
    partition: str = "aws"


class ApiCounter:
    """Counts operations (after-call) and HTTP attempts (before-send, retries included)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls = 0
        self.attempts = 0

    def after_call(self, **_: Any) -> None:
        with self._lock:
            self.calls += 1

    def before_send(self, **_: Any) -> None:
        with self._lock:
            self.attempts += 1


class ClientFactory:
    """Thread-safe client cache over one boto3 session.

    `account=None` means the caller's own credentials (the management or delegated-admin account).
    Event hooks registered on the session before the first client is created (the API counter,
    tests' fault injection) are copied into every client.
    """

    def __init__(self, session: boto3.Session | None = None, *, assume: AssumeSettings | None = None,
                 max_attempts: int = DEFAULT_RETRY_ATTEMPTS, default_region: str = "us-east-1") -> None:
        self.session = session or boto3.Session()
        self.assume = assume or AssumeSettings()
        self.default_region = self.session.region_name or default_region
        self.counter = ApiCounter()
        self.session.events.register("after-call", self.counter.after_call)
        self.session.events.register("before-send", self.counter.before_send)
        # Adaptive mode: standard retries plus a client-side rate limiter that backs off on throttling.
        # max_pool_connections matches the worker pool so threads never wait for a socket.
        self.config = Config(retries={"mode": "adaptive", "max_attempts": max_attempts},
                             max_pool_connections=32)
        self._lock = threading.Lock()
        self._clients: dict[tuple[str | None, str, str], Any] = {}
        self._creds: dict[str, dict[str, str] | BaseException] = {}
        self._account_locks: dict[str, threading.Lock] = {}
        self.clients_created = 0

    def client(self, service: str, region: str | None = None, account: str | None = None) -> Any:
        region = region or self.default_region
        key = (account, region, service)
        client = self._clients.get(key)
        if client is not None:
            return client
        creds = self.credentials(account) if account is not None else {}
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.session.client(service, region_name=region, config=self.config, **creds)
                self._clients[key] = client
                self.clients_created += 1
        return client

    def credentials(self, account: str) -> dict[str, str]:
        """Assume the audit role in `account` once; re-raise the first failure on every later call."""
        with self._lock:
            lock = self._account_locks.setdefault(account, threading.Lock())
        with lock:
            cached = self._creds.get(account)
            if cached is None:
                try:
                    cached = self._assume(account)
                except Exception as exc:  # remembered: every task of this account reports the same cause
                    cached = exc
                self._creds[account] = cached
        if isinstance(cached, BaseException):
            raise cached
        return cached

    def _assume(self, account: str) -> dict[str, str]:
        a = self.assume
        kwargs: dict[str, Any] = {
            "RoleArn": f"arn:{a.partition}:iam::{account}:role/{a.role_name}",
            "RoleSessionName": a.session_name,
        }
        if a.external_id:
            kwargs["ExternalId"] = a.external_id
        # Credentials last an hour (the default); a longer crawl of one account fails as ExpiredToken,
        # which the collector records as not assessed rather than refreshing silently.
        c = self.client("sts").assume_role(**kwargs)["Credentials"]
        return {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
                "aws_session_token": c["SessionToken"]}

    def register(self, event: str, handler: Callable[..., Any]) -> None:
        """Register a botocore event hook for clients created after this call."""
        self.session.events.register(event, handler)
