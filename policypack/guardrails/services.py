"""Services acting for someone: a service principal must be tied to the resource or account it acts for.

When a bucket policy lets `cloudfront.amazonaws.com` read objects, any CloudFront distribution of any AWS
account can serve them, unless `aws:SourceArn` names your distribution: the cross-service confused deputy.
AWS documents the guard (aws:SourceArn, aws:SourceAccount or aws:SourceOwner) in the resource policies it
shows for the services below, and Lambda warns that a permission for a service principal without a source
lets other accounts' resources invoke the function. Trust policies of service roles (ec2, lambda, ...) are
not concerned: AWS's own examples trust those services without conditions, and passing the role needs
iam:PassRole in the account. Which accounts a source condition names is the allowlist rule's business.
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, Severity

from .documents import is_unknown
from .metadata import IAM_GUIDE, guarded
from .narrowing import fixed_source
from .resources import DocumentKind, documents_of
from .text import shown

# Services whose resource-policy examples in AWS's documentation carry aws:SourceArn / aws:SourceAccount.
GUARDED_SERVICES = frozenset(
    {
        "cloudfront.amazonaws.com",  # S3 origin access control, Lambda function URLs
        "cloudtrail.amazonaws.com",  # trail buckets, topics and keys
        "config.amazonaws.com",  # delivery channel buckets and topics
        "logging.s3.amazonaws.com",  # server access logging target buckets
        "delivery.logs.amazonaws.com",  # vended logs (VPC flow logs, ...) to S3 and CloudWatch Logs
        "s3.amazonaws.com",  # event notifications to SNS, SQS and Lambda, inventory and replication targets
        "sns.amazonaws.com",  # topic subscriptions of SQS queues
    }
)
_FIELD_GRANTS = "principal"  # the property of grants written as fields (Lambda permissions)


def check_service_source(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-service-principal-source-pinned: see the policy description."""
    for source, statement in documents_of(args.resource_type, args.props, (DocumentKind.RESOURCE,)):
        if not statement.allows or fixed_source(statement):
            continue
        every_service = source.property == _FIELD_GRANTS and args.resource_type.startswith("aws:lambda/")
        services = [
            service
            for service in statement.principals_of("Service")
            if not is_unknown(service) and (every_service or service.lower() in GUARDED_SERVICES)
        ]
        if services:
            listed = ", ".join(shown(service) for service in services[:3])
            report_violation(
                f"{source.where(statement)} lets {listed} act without aws:SourceArn, aws:SourceAccount or "
                "aws:SourceOwner, so the service may do it on behalf of any account's resources (the confused "
                'deputy). Add e.g. {"StringEquals": {"aws:SourceArn": "<ARN of your distribution, trail or '
                'bucket>"}} (for a Lambda permission, set source_arn or source_account).'
            )


POLICIES = [
    guarded(
        name="iam-service-principal-source-pinned",
        description=(
            "Checks that resource policies letting a service act (CloudFront, CloudTrail, Config, S3, SNS, log "
            "delivery; any service in a Lambda permission) fix aws:SourceArn, aws:SourceAccount or "
            "aws:SourceOwner, AWS's guard against the cross-service confused deputy."
        ),
        validate=check_service_source,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        remediation_steps=(
            "Add a condition fixing aws:SourceArn (the distribution, trail, bucket or topic the service acts for) "
            "or aws:SourceAccount (your account) to the statement, or source_arn/source_account to the permission."
        ),
        url=f"{IAM_GUIDE}/confused-deputy.html",
    ),
]
