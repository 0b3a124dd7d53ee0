"""The cross-account-guardrails policy pack: the entry point the Pulumi CLI runs (`python <pack folder>`).

It must import nothing from outside this folder, because `pulumi policy publish` ships the folder alone. The
engine (`iameval`) and its action catalogue load on first use, not here: the pack serves within ~0.2 s.
"""

from __future__ import annotations

from guardrails import (
    attachments,
    federation,
    permissions,
    proof,
    providers,
    runtime,
    s3,
    services,
    trust,
    validity,
)
from pulumi_policy import EnforcementLevel, PolicyPack

PACK_NAME = "cross-account-guardrails"

POLICIES = [
    *trust.POLICIES,
    *federation.POLICIES,
    *services.POLICIES,
    *permissions.POLICIES,
    *attachments.POLICIES,
    *validity.POLICIES,
    *s3.POLICIES,
    *providers.POLICIES,
    *proof.POLICIES,
]

runtime.install()

# Module level, as in Pulumi's templates: the CLI's Python analyzer host runs this file and the pack serves.
PolicyPack(
    name=PACK_NAME,
    policies=POLICIES,
    enforcement_level=EnforcementLevel.ADVISORY,
    description=(
        "Blocks the mistakes that turn a cross-account IAM role into an open door (wildcard, unlisted or "
        "unscoped federated principals, confused deputies, admin-equivalent grants, broken or oversized "
        "documents, unpinned providers) and proves, per stack, that no outsider can assume a role and that no "
        "role another account may assume is an administrator, while letting AWS's documented setups through."
    ),
    display_name="Cross-account guardrails",
    provider="aws",
    tags=["aws", "iam", "cross-account", "security"],
)
