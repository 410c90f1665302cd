"""The one table of canonical kinds: where each attribute lives in every input form.

Rules only ever name kinds and canonical attributes. Sources read this table to know which native
types map to which kind and where simple attributes live; the irregular cases (split S3 resources,
security-group rule lists, block-device lists) are handled in code in each source and are described
here (`how`) so `ordinance explain` and export targets can show the mapping.

Paths: dotted keys, `[]` for "every element of a list". A path of None means the form has no such
attribute. `default` gives the value AWS applies when the form leaves the attribute out.
Stdlib only: the Config rule Lambda ships this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FORMS = ("cloudformation", "terraform", "config", "live")


@dataclass(frozen=True)
class Attr:
    name: str
    type: str  # bool | str | int | list
    doc: str
    cloudformation: str | None = None
    terraform: str | None = None
    config: str | None = None
    live: str | None = None
    # Value when absent, per form (missing form key: no default, absence stays absence).
    default: dict[str, Any] = field(default_factory=dict)
    # For list attributes: the element's canonical fields.
    element: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    name: str
    service: str
    title: str
    cloudformation: tuple[str, ...] = ()
    terraform: tuple[str, ...] = ()
    # Terraform resources that configure this kind from the side; folded into the parent.
    terraform_satellites: tuple[str, ...] = ()
    config: tuple[str, ...] = ()
    live: str | None = None  # boto3 call that enumerates it
    attrs: tuple[Attr, ...] = ()

    def attr(self, name: str) -> Attr:
        for a in self.attrs:
            if a.name == name:
                return a
        raise KeyError(f"{self.name} has no attribute {name!r}")


_SG_RULE_ELEMENT = ("protocol", "from_port", "to_port", "cidr", "peer")
# InstanceRequirements.BurstablePerformance when attribute-based selection leaves it out (EC2's default);
# without InstanceRequirements there is no selection and the attribute is absent.
DEFAULT_BURSTABLE_PERFORMANCE = "excluded"
_VOLUME_ELEMENT = ("device", "encrypted")

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "s3.bucket", "s3", "S3 bucket",
            cloudformation=("AWS::S3::Bucket",),
            terraform=("aws_s3_bucket",),
            terraform_satellites=("aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration"),
            config=("AWS::S3::Bucket",),
            live="s3.list_buckets",
            attrs=(
                Attr("versioning", "str", "Versioning status: Enabled, Suspended or Disabled (never enabled).",
                     cloudformation="VersioningConfiguration.Status",
                     terraform="aws_s3_bucket_versioning.versioning_configuration[0].status | versioning[0].enabled",
                     config="supplementaryConfiguration.BucketVersioningConfiguration.status",
                     live="s3.get_bucket_versioning().Status",
                     default={f: "Disabled" for f in FORMS}),
                Attr("encryption_algorithm", "str",
                     "Default encryption algorithm: aws:kms, aws:kms:dsse or AES256 (SSE-S3, AWS's default since 2023).",
                     cloudformation="BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm",
                     terraform=("aws_s3_bucket_server_side_encryption_configuration.rule[0].apply_server_side_encryption_by_default[0]"
                                ".sse_algorithm | server_side_encryption_configuration[0].rule[0]...sse_algorithm"),
                     config="supplementaryConfiguration.ServerSideEncryptionConfiguration.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm",
                     live="s3.get_bucket_encryption().ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm",
                     default={f: "AES256" for f in FORMS}),
            ),
        ),
        Kind(
            "ec2.volume", "ec2", "EBS volume",
            cloudformation=("AWS::EC2::Volume",), terraform=("aws_ebs_volume",), config=("AWS::EC2::Volume",),
            live="ec2.describe_volumes",
            attrs=(
                Attr("encrypted", "bool", "The volume is encrypted at rest.",
                     cloudformation="Encrypted", terraform="encrypted", config="configuration.encrypted",
                     live="Encrypted", default={f: False for f in FORMS}),
            ),
        ),
        Kind(
            "ec2.instance", "ec2", "EC2 instance",
            cloudformation=("AWS::EC2::Instance",), terraform=("aws_instance", "aws_spot_instance_request"),
            config=("AWS::EC2::Instance",),
            live="ec2.describe_instances",
            attrs=(
                Attr("instance_type", "str", "Instance type, e.g. m7g.large.",
                     cloudformation="InstanceType", terraform="instance_type", config="configuration.instanceType",
                     live="InstanceType"),
                Attr("volumes", "list", "EBS volumes: root and extra block devices. Empty when none is declared.",
                     cloudformation="BlockDeviceMappings[].Ebs.Encrypted",
                     terraform="root_block_device[].encrypted, ebs_block_device[].encrypted",
                     config="blockDeviceMappings[].ebs.volumeId -> AWS::EC2::Volume configuration.encrypted",
                     live="BlockDeviceMappings[].Ebs.VolumeId -> describe_volumes Encrypted",
                     element=_VOLUME_ELEMENT),
                Attr("launch_template", "str", "Launch template the instance is launched from, if any.",
                     cloudformation="LaunchTemplate", terraform="launch_template", config="configuration.launchTemplate"),
            ),
        ),
        Kind(
            "ec2.launch_template", "ec2", "EC2 launch template",
            cloudformation=("AWS::EC2::LaunchTemplate",), terraform=("aws_launch_template",),
            config=("AWS::EC2::LaunchTemplate",), live="ec2.describe_launch_template_versions",
            attrs=(
                Attr("instance_type", "str", "Instance type, absent when chosen at launch.",
                     cloudformation="LaunchTemplateData.InstanceType", terraform="instance_type",
                     config="configuration.LaunchTemplateData.InstanceType",
                     live="LaunchTemplateData.InstanceType"),
                Attr("burstable_performance", "str",
                     "Attribute-based type selection: whether burstable types may be picked (included, "
                     "required, excluded; AWS's default is excluded). Absent without InstanceRequirements.",
                     cloudformation="LaunchTemplateData.InstanceRequirements.BurstablePerformance",
                     terraform="instance_requirements[].burstable_performance",
                     config="configuration.LaunchTemplateData.InstanceRequirements.BurstablePerformance",
                     live="LaunchTemplateData.InstanceRequirements.BurstablePerformance",
                     default={f: DEFAULT_BURSTABLE_PERFORMANCE for f in FORMS}),
                Attr("volumes", "list", "EBS block device mappings.",
                     cloudformation="LaunchTemplateData.BlockDeviceMappings[].Ebs.Encrypted",
                     terraform='block_device_mappings[].ebs[].encrypted ("true"/"false" strings)',
                     config="configuration.LaunchTemplateData.BlockDeviceMappings[].Ebs.Encrypted",
                     live="LaunchTemplateData.BlockDeviceMappings[].Ebs.Encrypted",
                     element=_VOLUME_ELEMENT),
            ),
        ),
        Kind(
            "autoscaling.launch_configuration", "autoscaling", "Auto Scaling launch configuration",
            cloudformation=("AWS::AutoScaling::LaunchConfiguration",), terraform=("aws_launch_configuration",),
            config=("AWS::AutoScaling::LaunchConfiguration",), live="autoscaling.describe_launch_configurations",
            attrs=(
                Attr("instance_type", "str", "Instance type.", cloudformation="InstanceType",
                     terraform="instance_type", config="configuration.instanceType", live="InstanceType"),
                Attr("volumes", "list", "EBS block device mappings.",
                     cloudformation="BlockDeviceMappings[].Ebs.Encrypted",
                     terraform="root_block_device[].encrypted, ebs_block_device[].encrypted",
                     config="configuration.blockDeviceMappings[].ebs.encrypted",
                     live="BlockDeviceMappings[].Ebs.Encrypted", element=_VOLUME_ELEMENT),
            ),
        ),
        Kind(
            "autoscaling.group", "autoscaling", "Auto Scaling group",
            cloudformation=("AWS::AutoScaling::AutoScalingGroup",), terraform=("aws_autoscaling_group",),
            config=("AWS::AutoScaling::AutoScalingGroup",), live="autoscaling.describe_auto_scaling_groups",
            attrs=(
                Attr("instance_types", "list",
                     "The mixed-instances policy overrides: a type, or attribute-based selection "
                     "(burstable_performance of its InstanceRequirements, default excluded).",
                     cloudformation="MixedInstancesPolicy.LaunchTemplate.Overrides[].InstanceType | "
                                    ".InstanceRequirements.BurstablePerformance",
                     terraform="mixed_instances_policy[].launch_template[].override[].instance_type | "
                               ".instance_requirements[].burstable_performance",
                     config="configuration.mixedInstancesPolicy.launchTemplate.overrides[].instanceType | "
                            ".instanceRequirements.burstablePerformance",
                     live="MixedInstancesPolicy.LaunchTemplate.Overrides[].InstanceType",
                     element=("instance_type", "burstable_performance")),
            ),
        ),
        Kind(
            "rds.instance", "rds", "RDS DB instance",
            cloudformation=("AWS::RDS::DBInstance",), terraform=("aws_db_instance", "aws_rds_cluster_instance"),
            config=("AWS::RDS::DBInstance",), live="rds.describe_db_instances",
            attrs=(
                Attr("storage_encrypted", "bool", "Storage encryption is on (unset on a restore or replica: "
                     "the source's, unknown before deployment).",
                     cloudformation="StorageEncrypted", terraform="storage_encrypted",
                     config="configuration.storageEncrypted", live="StorageEncrypted",
                     default={f: False for f in FORMS}),
                Attr("engine", "str", "Database engine (mysql, postgres, aurora-postgresql, ...).",
                     cloudformation="Engine", terraform="engine", config="configuration.engine", live="Engine"),
                Attr("cluster_member", "bool", "The instance belongs to a cluster and inherits its encryption.",
                     cloudformation="DBClusterIdentifier (present)",
                     terraform="aws_rds_cluster_instance (always) | cluster_identifier",
                     config="configuration.dBClusterIdentifier (present)", live="DBClusterIdentifier (present)",
                     default={f: False for f in FORMS}),
            ),
        ),
        Kind(
            "rds.cluster", "rds", "RDS/Aurora DB cluster",
            cloudformation=("AWS::RDS::DBCluster",), terraform=("aws_rds_cluster",), config=("AWS::RDS::DBCluster",),
            live="rds.describe_db_clusters",
            attrs=(
                Attr("storage_encrypted", "bool", "Storage encryption is on (unset on a restore or replica: "
                     "the source's, unknown before deployment).",
                     cloudformation="StorageEncrypted", terraform="storage_encrypted",
                     config="configuration.storageEncrypted", live="StorageEncrypted",
                     default={f: False for f in FORMS}),
                Attr("engine", "str", "Database engine.", cloudformation="Engine", terraform="engine",
                     config="configuration.engine", live="Engine"),
            ),
        ),
        Kind("iam.user", "iam", "IAM user", cloudformation=("AWS::IAM::User",), terraform=("aws_iam_user",),
             config=("AWS::IAM::User",), live="iam.list_users",
             attrs=(Attr("name", "str", "User name.", cloudformation="UserName", terraform="name",
                         config="configuration.userName", live="UserName"),)),
        Kind("iam.access_key", "iam", "IAM access key", cloudformation=("AWS::IAM::AccessKey",),
             terraform=("aws_iam_access_key",), live="iam.list_access_keys",
             attrs=(Attr("user", "str", "Owning user.", cloudformation="UserName", terraform="user",
                         live="UserName"),)),
        Kind("iam.login_profile", "iam", "IAM console login profile",
             cloudformation=("AWS::IAM::User.LoginProfile",), terraform=("aws_iam_user_login_profile",),
             live="iam.get_login_profile",
             attrs=(Attr("user", "str", "Owning user.", cloudformation="(the user)", terraform="user",
                         live="UserName"),)),
        Kind("ec2.internet_gateway", "ec2", "Internet gateway", cloudformation=("AWS::EC2::InternetGateway",),
             terraform=("aws_internet_gateway",), config=("AWS::EC2::InternetGateway",),
             live="ec2.describe_internet_gateways"),
        Kind("ec2.internet_gateway_attachment", "ec2", "Internet gateway attachment",
             cloudformation=("AWS::EC2::VPCGatewayAttachment",), terraform=("aws_internet_gateway_attachment",),
             attrs=(Attr("vpc_id", "str", "Attached VPC.", cloudformation="VpcId", terraform="vpc_id"),)),
        Kind("ec2.nat_gateway", "ec2", "NAT gateway", cloudformation=("AWS::EC2::NatGateway",),
             terraform=("aws_nat_gateway",), config=("AWS::EC2::NatGateway",), live="ec2.describe_nat_gateways",
             attrs=(Attr("connectivity_type", "str", "public (internet via an EIP) or private.",
                         cloudformation="ConnectivityType", terraform="connectivity_type",
                         config="configuration.connectivityType", live="ConnectivityType",
                         default={f: "public" for f in FORMS}),)),
        Kind("ec2.egress_only_internet_gateway", "ec2", "Egress-only internet gateway",
             cloudformation=("AWS::EC2::EgressOnlyInternetGateway",), terraform=("aws_egress_only_internet_gateway",),
             config=("AWS::EC2::EgressOnlyInternetGateway",), live="ec2.describe_egress_only_internet_gateways"),
        Kind(
            "ec2.security_group", "ec2", "Security group",
            cloudformation=("AWS::EC2::SecurityGroup",),
            # aws_default_security_group adopts a VPC's default group: same arguments, same rules.
            terraform=("aws_security_group", "aws_default_security_group"),
            config=("AWS::EC2::SecurityGroup",), live="ec2.describe_security_groups",
            attrs=(
                Attr("ingress", "list", "Inbound rules, one entry per peer (CIDR, prefix list or group).",
                     cloudformation="SecurityGroupIngress[]", terraform="ingress[]",
                     config="configuration.ipPermissions[]", live="IpPermissions[]", element=_SG_RULE_ELEMENT),
                Attr("egress", "list",
                     "Outbound rules. CloudFormation adds AWS's allow-all egress when none is given; "
                     "Terraform removes it.",
                     cloudformation="SecurityGroupEgress[] (absent: allow all IPv4 and IPv6)",
                     terraform="egress[] (absent: none)", config="configuration.ipPermissionsEgress[]",
                     live="IpPermissionsEgress[]", element=_SG_RULE_ELEMENT),
            ),
        ),
        Kind(
            "ec2.security_group_rule", "ec2", "Security group rule (standalone)",
            cloudformation=("AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"),
            terraform=("aws_security_group_rule", "aws_vpc_security_group_ingress_rule",
                       "aws_vpc_security_group_egress_rule"),
            attrs=(
                Attr("ingress", "list", "The rule when it is inbound (else empty).", element=_SG_RULE_ELEMENT,
                     cloudformation="AWS::EC2::SecurityGroupIngress", terraform="type = ingress | *_ingress_rule"),
                Attr("egress", "list", "The rule when it is outbound (else empty).", element=_SG_RULE_ELEMENT,
                     cloudformation="AWS::EC2::SecurityGroupEgress", terraform="type = egress | *_egress_rule"),
            ),
        ),
        Kind("account.ebs_defaults", "ec2", "Account EBS encryption by default",
             terraform=("aws_ebs_encryption_by_default",), live="ec2.get_ebs_encryption_by_default",
             attrs=(Attr("encryption_by_default", "bool", "New EBS volumes are always encrypted.",
                         terraform="enabled", live="EbsEncryptionByDefault",
                         default={"terraform": True}),)),
        Kind("other", "*", "Any other resource (judged only by service-level rules)"),
    )
}

# Kinds whose attributes are facts about the account, visible to every rule on the same input.
ACCOUNT_KINDS = ("account.ebs_defaults",)

_CFN_TO_KIND = {t: k.name for k in KINDS.values() for t in k.cloudformation}
_TF_TO_KIND = {t: k.name for k in KINDS.values() for t in k.terraform}
_CONFIG_TO_KIND = {t: k.name for k in KINDS.values() for t in k.config}

# The `service` of a resource is its IAM service prefix (what an SCP's `<prefix>:*` denies), derived
# from the native type. Only where the type's namespace is not the prefix is it written down; a test
# checks every value against the IAM reference data (engine/data/iam.json).

# CloudFormation and AWS Config namespaces (`AWS::<Namespace>::...`, lower-cased) -> IAM prefix.
_CFN_SERVICES = {
    "elasticloadbalancingv2": "elasticloadbalancing",
    "apigatewayv2": "apigateway",
    "opensearchservice": "es",  # CloudFormation's AWS::OpenSearchService::Domain
    "opensearch": "es",  # AWS Config's AWS::OpenSearch::Domain
    "elasticsearch": "es",
    "kinesisfirehose": "firehose",
    "kinesisanalyticsv2": "kinesisanalytics",
    "stepfunctions": "states",
    "certificatemanager": "acm",
    "acmpca": "acm-pca",
    "efs": "elasticfilesystem",
    "msk": "kafka",
    "emr": "elasticmapreduce",
    "emrserverless": "emr-serverless",
    "docdb": "rds",  # DocumentDB and Neptune are managed through rds: actions
    "neptune": "rds",
    "applicationautoscaling": "application-autoscaling",
    "directoryservice": "ds",
    "networkfirewall": "network-firewall",
    "accessanalyzer": "access-analyzer",
    "pinpoint": "mobiletargeting",
    "codestarconnections": "codestar-connections",
    "vpclattice": "vpc-lattice",
    "cognito": "cognito-idp",  # user pools; identity pools are cognito-identity (see below)
}

# Terraform types `aws_<words>_...`: the longest listed prefix of <words> wins, else the first word.
_TF_SERVICES = {
    "api_gateway": "apigateway",
    "apigatewayv2": "apigateway",
    "cloudwatch_log": "logs",
    "cloudwatch_query_definition": "logs",
    "cloudwatch_event": "events",
    "elastic_beanstalk": "elasticbeanstalk",
    "kinesis_firehose": "firehose",
    "kinesis_analytics": "kinesisanalytics",
    "kinesisanalyticsv2": "kinesisanalytics",
    "kinesis_video": "kinesisvideo",
    "service_discovery": "servicediscovery",
    "directory_service": "ds",
    "opensearch": "es",
    "elasticsearch": "es",
    "sfn": "states",
    "acmpca": "acm-pca",
    "efs": "elasticfilesystem",
    "msk": "kafka",
    "emr": "elasticmapreduce",
    "emrserverless": "emr-serverless",
    "docdb": "rds",
    "neptune": "rds",
    "db": "rds",
    "appautoscaling": "application-autoscaling",
    "cognito_identity_pool": "cognito-identity",
    "cognito": "cognito-idp",
    "accessanalyzer": "access-analyzer",
    "networkfirewall": "network-firewall",
    "dx": "directconnect",
    "keyspaces": "cassandra",
    "timestreamwrite": "timestream",
    "sesv2": "ses",
    "pinpoint": "mobiletargeting",
    "ecrpublic": "ecr-public",
    "s3control": "s3",
    "ssoadmin": "sso",
    "codestarconnections": "codestar-connections",
    "vpclattice": "vpc-lattice",
    "lb": "elasticloadbalancing",
    "alb": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    # EC2 resources the provider names by what they are, not by `ec2_`
    **{w: "ec2" for w in ("ebs", "vpc", "subnet", "instance", "security", "internet", "nat", "egress", "launch",
                          "route", "eip", "key", "network", "default", "ami", "placement", "spot", "flow",
                          "customer", "vpn", "main_route", "volume", "snapshot", "ec2")},
}
_TF_SERVICE_WORDS = max(k.count("_") + 1 for k in _TF_SERVICES)


def kind_for_cloudformation(resource_type: str) -> str:
    return _CFN_TO_KIND.get(resource_type, "other")


def kind_for_terraform(resource_type: str) -> str:
    return _TF_TO_KIND.get(resource_type, "other")


def kind_for_config(resource_type: str) -> str:
    return _CONFIG_TO_KIND.get(resource_type, "other")


def service_for_cloudformation(resource_type: str) -> str:
    """`AWS::EKS::Cluster` -> `eks`. Non-AWS types (Custom::, SAM) get their namespace lower-cased."""
    parts = resource_type.split("::")
    ns = parts[1].lower() if len(parts) >= 2 else resource_type.lower()
    if ns == "cognito" and len(parts) >= 3 and parts[2].startswith("IdentityPool"):
        return "cognito-identity"
    return _CFN_SERVICES.get(ns, ns)


def service_for_terraform(resource_type: str) -> str:
    """`aws_eks_cluster` -> `eks`; the AWS provider names types `aws_<service>_<thing>` by convention."""
    kind = _TF_TO_KIND.get(resource_type)
    if kind is not None and kind != "other":
        return KINDS[kind].service
    parts = resource_type.split("_")
    if len(parts) < 2 or parts[0] != "aws":
        return parts[0]
    for n in range(min(_TF_SERVICE_WORDS, len(parts) - 1), 0, -1):
        service = _TF_SERVICES.get("_".join(parts[1:1 + n]))
        if service is not None:
            return service
    return parts[1]
