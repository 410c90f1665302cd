"""The crawl: read each account's global services once and each region once, concurrently.

A unit of work is (account, "global") or (account, region). A unit is read completely or not at all:
when any call of a unit fails (denied, a disabled region's AuthFailure, throttling past the retry
budget, a network error), the unit's partial resources are discarded and it becomes a NotAssessed with
the reason, so a half-read region can never look cleaner than it is. An account whose audit role
cannot be assumed is one NotAssessed for the whole account (region None).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from engine.audit.session import ClientFactory
from engine.audit_model import Account, NotAssessed
from engine.resources.model import Resource
from engine.sources import live
from engine.sources.live import GLOBAL_REGION

# Absence answers that mean "not configured", not "could not read".
_NO_ENCRYPTION = "ServerSideEncryptionConfigurationNotFoundError"
_NO_ENTITY = ("NoSuchEntity", "NoSuchEntityException")


@dataclass
class Unit:
    """Everything read for one (account, region); region is "global" for IAM and S3."""

    account: Account
    region: str
    resources: list[Resource] = field(default_factory=list)


class AssumeRoleFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def describe_error(exc: BaseException) -> str:
    """One line: "<Code> on <Operation>: <message>"."""
    if isinstance(exc, AssumeRoleFailed):
        return exc.reason
    if isinstance(exc, ClientError):
        err = exc.response.get("Error") or {}
        code = err.get("Code") or "ClientError"
        message = " ".join(str(err.get("Message") or exc).split())
        return f"{code} on {exc.operation_name}: {message}"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        out.extend(page.get(key) or ())
    return out


def _names(client: Any, operation: str, key: str) -> list[str]:
    return [str(n) for page in client.get_paginator(operation).paginate() for n in page.get(key) or ()]


def _error_code(exc: ClientError) -> str:
    return str((exc.response.get("Error") or {}).get("Code") or "")


# --- global services: once per account ------------------------------------------------------------

def read_iam(factory: ClientFactory, account: str) -> list[Resource]:
    iam = factory.client("iam", None, account)
    out: list[Resource] = []
    for user in _pages(iam, "list_users", "Users"):
        name = user["UserName"]
        out.append(live.iam_user(user, account))
        out += [live.access_key(k, account) for k in _pages(iam, "list_access_keys", "AccessKeyMetadata",
                                                              UserName=name)]
        try:
            iam.get_login_profile(UserName=name)
        except ClientError as exc:
            if _error_code(exc) not in _NO_ENTITY:
                raise
        else:
            out.append(live.login_profile(name, account))
    return out


def read_s3(factory: ClientFactory, account: str) -> list[Resource]:
    """Buckets come from this account's own list_buckets, never by name: names are global."""
    s3 = factory.client("s3", None, account)
    out: list[Resource] = []
    for b in _pages(s3, "list_buckets", "Buckets"):
        name = b["Name"]
        # list_buckets carries BucketRegion since late 2024; older endpoints need get_bucket_location.
        region = b.get("BucketRegion") or live.bucket_region(s3.get_bucket_location(Bucket=name))
        regional = factory.client("s3", region, account)
        versioning = regional.get_bucket_versioning(Bucket=name)
        try:
            encryption: dict[str, Any] | None = regional.get_bucket_encryption(Bucket=name)
        except ClientError as exc:
            if _error_code(exc) != _NO_ENCRYPTION:
                raise
            encryption = None
        out.append(live.bucket(name, versioning, encryption, account, region))
    return out


def read_global(factory: ClientFactory, account: str) -> list[Resource]:
    return read_iam(factory, account) + read_s3(factory, account)


# --- regional services ----------------------------------------------------------------------------

def read_region(factory: ClientFactory, account: str, region: str) -> list[Resource]:
    ec2 = factory.client("ec2", region, account)
    # First a cheap call: a disabled or unreachable region fails here before anything else is read.
    out: list[Resource] = [live.ebs_defaults(ec2.get_ebs_encryption_by_default(), account, region)]
    volumes = _pages(ec2, "describe_volumes", "Volumes")
    encrypted = {v["VolumeId"]: bool(v.get("Encrypted", False)) for v in volumes}
    out += [live.volume(v, account, region) for v in volumes]
    out += live.instances(_pages(ec2, "describe_instances", "Reservations"), encrypted, account, region)
    # Without an id, "$Default" returns the default version of every template in one paginated call.
    out += [live.launch_template(v, account, region)
            for v in _pages(ec2, "describe_launch_template_versions", "LaunchTemplateVersions",
                            Versions=["$Default"])]
    out += [live.security_group(g, account, region)
            for g in _pages(ec2, "describe_security_groups", "SecurityGroups")]
    out += [live.internet_gateway(g, account, region)
            for g in _pages(ec2, "describe_internet_gateways", "InternetGateways")]
    out += [r for g in _pages(ec2, "describe_nat_gateways", "NatGateways")
            if (r := live.nat_gateway(g, account, region)) is not None]
    out += [live.egress_only_internet_gateway(g, account, region)
            for g in _pages(ec2, "describe_egress_only_internet_gateways", "EgressOnlyInternetGateways")]
    rds = factory.client("rds", region, account)
    out += [live.db_instance(d, account, region) for d in _pages(rds, "describe_db_instances", "DBInstances")]
    out += [live.db_cluster(d, account, region) for d in _pages(rds, "describe_db_clusters", "DBClusters")]
    eks = factory.client("eks", region, account)
    out += [live.eks_cluster(name, account, region) for name in _names(eks, "list_clusters", "clusters")]
    return out


# --- orchestration --------------------------------------------------------------------------------

def _read_unit(factory: ClientFactory, account: Account, region: str) -> Unit:
    try:
        factory.credentials(account.id)
    except (ClientError, BotoCoreError) as exc:
        raise AssumeRoleFailed(f"{describe_error(exc)} (role {factory.assume.role_name})") from exc
    if region == GLOBAL_REGION:
        return Unit(account, region, read_global(factory, account.id))
    return Unit(account, region, read_region(factory, account.id, region))


def collect(factory: ClientFactory, accounts: Sequence[Account], regions: Sequence[str], *,
            max_workers: int = 8,
            on_done: Callable[[Account, str], None] | None = None) -> Iterator[Unit | NotAssessed]:
    """Yield one Unit per readable (account, region|global), and NotAssessed for the rest.

    A bounded pool: at most `max_workers` units in flight, so hundreds of accounts never mean hundreds
    of threads or a burst that trips every account's throttling at once.
    """
    work = [(a, r) for a in accounts for r in (GLOBAL_REGION, *regions)]
    assume_failed: set[str] = set()
    with ThreadPoolExecutor(max_workers=max(1, max_workers), thread_name_prefix="audit") as pool:
        pending: dict[Future[Unit], tuple[Account, str]] = {}
        queue = iter(work)

        def top_up() -> None:
            for a, r in queue:
                pending[pool.submit(_read_unit, factory, a, r)] = (a, r)
                if len(pending) >= max_workers * 2:
                    return

        top_up()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                account, region = pending.pop(fut)
                if on_done is not None:
                    on_done(account, region)
                exc = fut.exception()
                if exc is None:
                    yield fut.result()
                elif isinstance(exc, AssumeRoleFailed):
                    if account.id not in assume_failed:  # one record for the whole account
                        assume_failed.add(account.id)
                        yield NotAssessed(account.id, None, exc.reason)
                else:
                    # Fail closed on anything, our own bugs included: a crash is not a clean region.
                    yield NotAssessed(account.id, region, describe_error(exc))
            top_up()
