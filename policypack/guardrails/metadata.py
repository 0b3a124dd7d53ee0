"""Every policy of the pack is declared through `guarded`: pulumi-policy 1.21's metadata is
required (severity, remediation steps, a documentation URL), and each validation is bounded.

Bounded means: at most `MAX_REPORTS` diagnostics per policy and resource, then one line with the count of the
rest (a document of 40,000 identical statements gives 20 diagnostics and "...and 39,980 more", not a 28 MB
reply); and a rule that fails on an input nobody foresaw reports that it could not check the resource, at the
policy's level, instead of failing the whole Analyze call with gRPC UNKNOWN (which would hide every other
policy's verdict). UnknownValueError and not-applicable pass through to the SDK, which handles them.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UnknownValueError

from .text import shown

MAX_REPORTS = 20
IAM_GUIDE = "https://docs.aws.amazon.com/IAM/latest/UserGuide"
S3_GUIDE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide"

Validation = Callable[[Any, ReportViolation], None]


def _bounded(validate: Validation) -> Validation:
    """`validate` with a capped number of reports per resource and no exception but the SDK's own escaping."""

    @functools.wraps(validate)
    def wrapper(args: ResourceValidationArgs | StackValidationArgs, report_violation: ReportViolation) -> None:
        reported: dict[str | None, int] = {}

        def report(message: str, urn: str | None = None) -> None:
            reported[urn] = count = reported.get(urn, 0) + 1
            if count <= MAX_REPORTS:
                report_violation(message, urn)

        try:
            validate(args, report)
        except (UnknownValueError, _NotApplicableError):
            raise
        except Exception as error:  # fail closed on this policy only, say why, keep the others
            print(f"cross-account-guardrails: {validate.__name__} failed: {error!r}"[:2000], file=sys.stderr)
            report_violation(
                f"the pack could not check this resource ({type(error).__name__}: {shown(str(error))}); "
                "fix the input or report the pack's failure, it is not let through unchecked."
            )
        finally:
            for urn, total in reported.items():
                if total > MAX_REPORTS:
                    report_violation(f"...and {total - MAX_REPORTS:,} more like these.", urn)

    return wrapper


def guarded(
    *,
    name: str,
    description: str,
    validate: Validation,
    enforcement_level: EnforcementLevel,
    severity: Severity,
    remediation_steps: str,
    url: str,
    config_schema: PolicyConfigSchema | None = None,
    remediate: Callable[[ResourceValidationArgs], Any] | None = None,
    stack: bool = False,
) -> ResourceValidationPolicy | StackValidationPolicy:
    """A resource policy (a stack policy with `stack`) with its metadata and a bounded validation.

    Stack policies cannot remediate (the SDK runs remediations per resource).
    """
    bounded = _bounded(validate)
    metadata = {"remediate": remediate} if not stack else {}
    kind = StackValidationPolicy if stack else ResourceValidationPolicy
    policy = kind(
        name=name,
        description=description,
        validate=bounded,
        enforcement_level=enforcement_level,
        config_schema=config_schema,
        severity=severity,
        remediation_steps=remediation_steps,
        url=url,
        **metadata,
    )
    policy.guardrails_validate = bounded  # type: ignore[attr-defined]  # runtime.analyze calls it directly
    return policy
