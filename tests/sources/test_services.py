"""A resource's `service` is its IAM prefix (what denied-services and its SCP `<prefix>:*` name), the
same from a CloudFormation type, a Config resource type and a Terraform type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.resources import kinds
from engine.resources.kinds import service_for_cloudformation, service_for_terraform

IAM_PREFIXES = set(json.loads((Path(kinds.__file__).parents[1] / "data" / "iam.json").read_text())["services"])


def test_every_written_mapping_names_a_real_iam_prefix() -> None:
    written = {*kinds._CFN_SERVICES.values(), *kinds._TF_SERVICES.values()}
    assert sorted(written - IAM_PREFIXES) == []


@pytest.mark.parametrize(("cloudformation", "terraform", "prefix"), [
    ("AWS::EKS::Cluster", "aws_eks_cluster", "eks"),
    ("AWS::ApiGateway::RestApi", "aws_api_gateway_rest_api", "apigateway"),
    ("AWS::ApiGatewayV2::Api", "aws_apigatewayv2_api", "apigateway"),
    ("AWS::Logs::LogGroup", "aws_cloudwatch_log_group", "logs"),
    ("AWS::Events::Rule", "aws_cloudwatch_event_rule", "events"),
    ("AWS::CloudWatch::Alarm", "aws_cloudwatch_metric_alarm", "cloudwatch"),
    ("AWS::ElasticBeanstalk::Application", "aws_elastic_beanstalk_application", "elasticbeanstalk"),
    ("AWS::OpenSearchService::Domain", "aws_opensearch_domain", "es"),
    ("AWS::KinesisFirehose::DeliveryStream", "aws_kinesis_firehose_delivery_stream", "firehose"),
    ("AWS::Kinesis::Stream", "aws_kinesis_stream", "kinesis"),
    ("AWS::StepFunctions::StateMachine", "aws_sfn_state_machine", "states"),
    ("AWS::CertificateManager::Certificate", "aws_acm_certificate", "acm"),
    ("AWS::EFS::FileSystem", "aws_efs_file_system", "elasticfilesystem"),
    ("AWS::MSK::Cluster", "aws_msk_cluster", "kafka"),
    ("AWS::EMR::Cluster", "aws_emr_cluster", "elasticmapreduce"),
    ("AWS::Cognito::UserPool", "aws_cognito_user_pool", "cognito-idp"),
    ("AWS::Cognito::IdentityPool", "aws_cognito_identity_pool", "cognito-identity"),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "aws_lb", "elasticloadbalancing"),
    ("AWS::ElasticLoadBalancingV2::Listener", "aws_lb_listener", "elasticloadbalancing"),
    ("AWS::DocDB::DBCluster", "aws_docdb_cluster", "rds"),
    ("AWS::ApplicationAutoScaling::ScalableTarget", "aws_appautoscaling_target", "application-autoscaling"),
    ("AWS::EC2::VPCEndpoint", "aws_vpc_endpoint", "ec2"),
    ("AWS::EC2::FlowLog", "aws_flow_log", "ec2"),
    ("AWS::Lambda::Function", "aws_lambda_function", "lambda"),
    ("AWS::DynamoDB::Table", "aws_dynamodb_table", "dynamodb"),
])
def test_the_same_resource_has_the_same_service_in_every_form(cloudformation: str, terraform: str,
                                                              prefix: str) -> None:
    assert (service_for_cloudformation(cloudformation), service_for_terraform(terraform)) == (prefix, prefix)
    assert prefix in IAM_PREFIXES


def test_config_resource_types_that_differ_from_cloudformation() -> None:
    assert service_for_cloudformation("AWS::OpenSearch::Domain") == "es"  # Config's name for the domain
