"""The demo organization, seeded into a moto server: nested OUs matching policies.yaml, N accounts with
owner/domain tags, and per account and region a deterministic mix of compliant and violating resources.

`seed` returns what it planted, including every violation it planted as (region, rule, resource id),
so the end-to-end test and the demo can check the audit's findings. `expected_findings` narrows those
to the rules each account's target enables. Dev/test helper: needs boto3 and a moto endpoint.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import boto3

from engine.catalog.model import Catalog

REGIONS = ("eu-west-1", "eu-central-1")
AMI = "ami-12c6146b"  # built into moto; present even with MOTO_EC2_LOAD_DEFAULT_AMIS=false
SEED_ROLE = "OrganizationAccountAccessRole"  # moto creates it in every account it creates

# (OU path, environment, domain, the policies.yaml target it belongs to), cycled over the accounts so
# any N >= 6 covers every target. Written out here, not derived, so tests do not trust the audit's mapping.
PLACEMENTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("Workloads/Prod/Payments", "prod", "payments", "prod"),
    ("Workloads/Prod/Trading", "prod", "trading", "prod"),
    ("Workloads/Staging", "staging", "payments", "staging"),
    ("Workloads/Dev", "dev", "trading", "dev"),
    ("Workloads/Isolated", "isolated", "settlement", "isolated"),
    ("Sandbox", "sandbox", "platform", None),  # no target: judged by the strictest view
)

Violation = tuple[str, str, str]  # (region or "global", rule id, resource id)


@dataclass
class SeededAccount:
    id: str
    name: str
    ou_path: str
    tags: dict[str, str]
    target: str | None
    violations: set[Violation] = field(default_factory=set)


@dataclass
class SeededOrg:
    management: str
    regions: tuple[str, ...]
    accounts: dict[str, SeededAccount]  # by account id, the management account included

    def by_name(self, name: str) -> SeededAccount:
        return next(a for a in self.accounts.values() if a.name == name)


def _ou_tree(org: Any, root: str) -> dict[str, str]:
    ids: dict[str, str] = {"": root}
    for path in sorted({p[0] for p in PLACEMENTS}):
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            sub = "/".join(parts[:depth])
            if sub not in ids:
                parent = ids["/".join(parts[:depth - 1])]
                ids[sub] = org.create_organizational_unit(ParentId=parent, Name=parts[depth - 1])[
                    "OrganizationalUnit"]["Id"]
    return ids


class _Clients:
    """Clients for one member account, built from the one shared session (models parsed once)."""

    def __init__(self, session: boto3.Session, sts: Any, account: str) -> None:
        c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{SEED_ROLE}",
                            RoleSessionName="seed")["Credentials"]
        self._session = session
        self._creds = {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
                       "aws_session_token": c["SessionToken"]}

        self._cache: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region_name: str) -> Any:
        key = (service, region_name)
        if key not in self._cache:
            self._cache[key] = self._session.client(
                service, region_name=region_name, **self._creds)
        return self._cache[key]


def _seed_global(s: _Clients, a: SeededAccount, i: int, regions: Sequence[str]) -> None:
    plans: list[tuple[str, str | None, str | None, str]] = [("data", "Enabled", "aws:kms", regions[i % len(regions)])]
    if i % 3 == 0:
        plans.append(("logs", None, None, regions[0]))  # never versioned, no explicit encryption
    if i % 5 == 1:
        plans.append(("archive", "Suspended", "AES256", regions[-1]))
    for suffix, versioning, algorithm, region in plans:
        name = f"ord-{a.id}-{suffix}"
        s3 = s.client("s3", region_name=region)
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        if versioning:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": versioning})
        if versioning != "Enabled":
            a.violations.add((region, "s3-bucket-versioning", name))
        if algorithm:
            default: dict[str, str] = {"SSEAlgorithm": algorithm}
            if algorithm == "aws:kms":
                default["KMSMasterKeyID"] = "alias/aws/s3"
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": default}]})
        if algorithm != "aws:kms":  # absent: AWS's default SSE-S3, still not KMS
            a.violations.add((region, "s3-bucket-encryption-kms", name))
    if i % 4 == 2:
        iam = s.client("iam", region_name="us-east-1")
        iam.create_user(UserName="deploy-bot")
        key = iam.create_access_key(UserName="deploy-bot")["AccessKey"]["AccessKeyId"]
        a.violations |= {("global", "sso-only-access", "deploy-bot"), ("global", "sso-only-access", key)}
        if i % 8 == 2:
            iam.create_login_profile(UserName="deploy-bot", Password="Correct-Horse-9")
            a.violations.add(("global", "sso-only-access", "deploy-bot/login-profile"))


def _seed_region(s: _Clients, a: SeededAccount, i: int, r: int, region: str) -> None:
    ec2 = s.client("ec2", region_name=region)
    env = a.tags["environment"]
    ebs_default = i % 9 == 8 and r == 1
    if ebs_default:
        ec2.enable_ebs_encryption_by_default()
    az = f"{region}a"
    ec2.create_volume(AvailabilityZone=az, Size=8, Encrypted=True)
    if (i + r) % 2 == 0:
        vol = ec2.create_volume(AvailabilityZone=az, Size=8)["VolumeId"]
        if not ebs_default:
            a.violations.add((region, "ebs-encryption", vol))
    encrypted_root = [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "VolumeSize": 8}}]
    itype = "t3.micro" if (i % 4 == 3 and r == 0) else "m7g.large"
    unencrypted_root = i % 6 == 4 and r == 1
    kwargs: dict[str, Any] = {} if unencrypted_root else {"BlockDeviceMappings": encrypted_root}
    inst = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType=itype, **kwargs)["Instances"][0]
    if itype.startswith("t3"):
        a.violations.add((region, "no-burstable-instances", inst["InstanceId"]))
    if unencrypted_root and not ebs_default:
        a.violations.add((region, "ebs-encryption", inst["InstanceId"]))
        for m in inst.get("BlockDeviceMappings") or ():
            a.violations.add((region, "ebs-encryption", m["Ebs"]["VolumeId"]))
    if i % 7 == 5 and r == 0:
        lt = ec2.create_launch_template(LaunchTemplateName=f"web-{a.name}", LaunchTemplateData={
            "InstanceType": "m7g.large",
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}]})
        a.violations.add((region, "ebs-encryption", lt["LaunchTemplate"]["LaunchTemplateId"]))
    default_sg = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]
    # Planted facts, whatever the target: expected_findings keeps those the target's rules judge.
    a.violations.add((region, "sg-no-open-egress", default_sg))
    if i % 3 == 1 and r == 0:
        sg = ec2.create_security_group(GroupName="ssh-open", Description="ssh from anywhere")["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        a.violations |= {(region, "sg-no-public-ssh", sg), (region, "sg-no-open-egress", sg)}
    if env == "isolated":
        _seed_isolated(ec2, a, i, r, region)
    if i % 5 == 0 and r == 0:
        s.client("rds", region_name=region).create_db_instance(
            DBInstanceIdentifier=f"ledger-{i}", DBInstanceClass="db.m7g.large", Engine="postgres",
            AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="Correct-Horse-9")
        a.violations |= {(region, "rds-encryption", f"ledger-{i}"), (region, "rds-prefer-aurora", f"ledger-{i}")}
    if i % 5 == 3 and r == 1:
        rds = s.client("rds", region_name=region)
        rds.create_db_cluster(DBClusterIdentifier=f"orders-{i}", Engine="aurora-postgresql", StorageEncrypted=True,
                              MasterUsername="admin", MasterUserPassword="Correct-Horse-9")
        rds.create_db_instance(DBInstanceIdentifier=f"orders-{i}-1", DBInstanceClass="db.r7g.large",
                               Engine="aurora-postgresql", DBClusterIdentifier=f"orders-{i}")
    if i % 13 == 7 and r == 1:
        s.client("eks", region_name=region).create_cluster(
            name=f"k8s-{i}", roleArn=f"arn:aws:iam::{a.id}:role/eks", resourcesVpcConfig={"subnetIds": []})
        a.violations.add((region, "denied-services", f"k8s-{i}"))


def _seed_isolated(ec2: Any, a: SeededAccount, i: int, r: int, region: str) -> None:
    # A compliant security group: egress only to the private allow list.
    sg = ec2.create_security_group(GroupName="app-internal", Description="internal only")["GroupId"]
    ec2.revoke_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "-1",
                                                                 "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    subnet = ec2.describe_subnets()["Subnets"][0]
    if r == 1:  # a private NAT gateway is allowed
        ec2.create_nat_gateway(SubnetId=subnet["SubnetId"], ConnectivityType="private")
    if i % 2 == 0 and r == 0:
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=subnet["VpcId"])
        a.violations.add((region, "no-internet-egress-gateways", igw))
    if i % 2 == 1 and r == 1:
        eigw = ec2.create_egress_only_internet_gateway(VpcId=subnet["VpcId"])[
            "EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
        a.violations.add((region, "no-internet-egress-gateways", eigw))


def seed(endpoint_url: str | None = None, accounts: int = 40, regions: Sequence[str] = REGIONS) -> SeededOrg:
    """Create the organization and its resources in the moto server at `endpoint_url` (or
    AWS_ENDPOINT_URL). Uses the caller's (dummy) credentials as the management account."""
    if endpoint_url:
        os.environ["AWS_ENDPOINT_URL"] = endpoint_url
    mgmt = boto3.Session(region_name="us-east-1")
    org = mgmt.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ous = _ou_tree(org, root)
    sts = mgmt.client("sts")
    management = sts.get_caller_identity()["Account"]
    result = SeededOrg(management, tuple(regions), {
        management: SeededAccount(management, "management", "", {"environment": "management"}, None)})
    for i in range(accounts):
        ou_path, env, domain, target = PLACEMENTS[i % len(PLACEMENTS)]
        name = f"{env}-{domain}-{i:02d}"
        tags = {"owner": f"{domain}-team@northwind.example", "domain": domain, "environment": env}
        created = org.create_account(AccountName=name, Email=f"{name}@northwind.example",
                                     Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        acct_id = created["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=acct_id, SourceParentId=root, DestinationParentId=ous[ou_path])
        account = result.accounts[acct_id] = SeededAccount(acct_id, name, ou_path, tags, target)
        s = _Clients(mgmt, sts, acct_id)
        _seed_global(s, account, i, regions)
        for r, region in enumerate(regions):
            _seed_region(s, account, i, r, region)
    # The management account's default security groups exist too (strictest view: open egress fails).
    for region in regions:
        sg = mgmt.client("ec2", region_name=region).describe_security_groups(GroupNames=["default"])
        result.accounts[management].violations.add(
            (region, "sg-no-open-egress", sg["SecurityGroups"][0]["GroupId"]))
    return result


Change = tuple[str, str, str, str]  # (account, region or "global", rule id, resource id)


def remediate_and_regress(org: SeededOrg, region: str = REGIONS[0]) -> dict[str, set[Change]]:
    """A day of a platform team: fix a bucket's versioning and delete a user's access key (2 fixes), and
    add an unversioned bucket without KMS (2 new findings). Returns {"fixed": ..., "new": ...}.

    Needs the demo's first account (prod, i=0: an unversioned "logs" bucket) and its third (staging, i=2:
    deploy-bot with an access key), so at least 3 accounts."""
    logs_owner = next(a for a in org.accounts.values() if a.name.endswith("-00"))
    bot_owner = next(a for a in org.accounts.values() if a.name.endswith("-02"))
    mgmt = boto3.Session(region_name=region)
    sts = mgmt.client("sts")
    logs_clients, bot_clients = _Clients(mgmt, sts, logs_owner.id), _Clients(mgmt, sts, bot_owner.id)
    logs, new = f"ord-{logs_owner.id}-logs", f"ord-{logs_owner.id}-new"
    s3 = logs_clients.client("s3", region)
    s3.put_bucket_versioning(Bucket=logs, VersioningConfiguration={"Status": "Enabled"})
    s3.create_bucket(Bucket=new, CreateBucketConfiguration={"LocationConstraint": region})
    iam = bot_clients.client("iam", "us-east-1")
    [key] = iam.list_access_keys(UserName="deploy-bot")["AccessKeyMetadata"]
    iam.delete_access_key(UserName="deploy-bot", AccessKeyId=key["AccessKeyId"])
    logs_owner.violations.discard((region, "s3-bucket-versioning", logs))
    logs_owner.violations |= {(region, "s3-bucket-versioning", new), (region, "s3-bucket-encryption-kms", new)}
    bot_owner.violations.discard(("global", "sso-only-access", key["AccessKeyId"]))
    return {
        "fixed": {(logs_owner.id, region, "s3-bucket-versioning", logs),
                  (bot_owner.id, "global", "sso-only-access", key["AccessKeyId"])},
        "new": {(logs_owner.id, region, "s3-bucket-versioning", new),
                (logs_owner.id, region, "s3-bucket-encryption-kms", new)},
    }


def expected_findings(org: SeededOrg, catalog: Catalog) -> dict[str, set[Violation]]:
    """Planted violations of the rules each account's target enables (strictest view without a target)."""
    out: dict[str, set[Violation]] = {}
    for acct_id, a in org.accounts.items():
        enabled = {r.rule.id for r in catalog.active(a.target)}
        out[acct_id] = {v for v in a.violations if v[1] in enabled}
    return out
