"""The cross-account-guardrails policy pack: the entry point the Pulumi CLI runs (`python <pack folder>`).

It must import nothing from outside this folder, because `pulumi policy publish` ships the folder alone.
"""

from __future__ import annotations

from guardrails import permissions, providers, s3, trust
from pulumi_policy import EnforcementLevel, PolicyPack

PACK_NAME = "cross-account-guardrails"

POLICIES = [*trust.POLICIES, *permissions.POLICIES, *s3.POLICIES, *providers.POLICIES]

# Module level, as in Pulumi's templates: the CLI's Python analyzer host runs this file and the pack serves.
PolicyPack(
    name=PACK_NAME,
    policies=POLICIES,
    enforcement_level=EnforcementLevel.ADVISORY,
    description=(
        "Blocks the mistakes that turn a cross-account IAM role into an open door (wildcard or unlisted "
        "principals, full admin, assume-any-role, broken documents, unpinned providers) while letting AWS's "
        "documented cross-account setup through."
    ),
    display_name="Cross-account guardrails",
    provider="aws",
    tags=["aws", "iam", "cross-account", "security"],
)
