"""Where the emulator falls short of AWS for the resources applied, said plainly, and the one workaround.

moto enforces identity policies (of users, groups, role sessions), an explicit Deny over an Allow, and
`NotAction`; that is what the rehearsal's steps rest on. It does not check a trust policy for callers from
another account, evaluates no `Bool` condition, and ignores permissions boundaries, so for those the
offline preview's access matrix (`python -m preview`) is the authority. The bucket policy is the one
document the emulator gets wrong in the strict direction: it ignores the `aws:SecureTransport` condition
and applies the TLS-only Deny to every object request, so it is removed after its byte-for-byte check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from botocore.client import BaseClient

from rehearsal.apply import Applied
from rehearsal.emulator import Emulator

AUTHORITY = "see the preview's access matrix (python -m preview)"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"

NOT_CHECKED: dict[str, Callable[[Mapping[str, Any]], list[str]]] = {
    "aws:iam/role:Role": lambda inputs: [
        f"trust policy of {inputs['name']} (who may assume it, with its conditions): not checked by the emulator, "
        f"which checks trust only for callers in the role's own account; {AUTHORITY}",
    ] + ([f"permissions boundary of {inputs['name']}: not enforced by the emulator; {AUTHORITY}"]
         if inputs.get("permissionsBoundary") else []),
    BUCKET_POLICY: lambda inputs: [
        f"bucket policy of {inputs['bucket']} (refuse requests without TLS): held byte for byte, then removed "
        f"before the steps, because the emulator ignores its aws:SecureTransport condition and would refuse every "
        f"object request; not checked; {AUTHORITY}",
    ],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": lambda inputs: [
        f"public access block of {inputs['bucket']}: applied; not exercised (the steps make no anonymous requests)",
    ],
}


def not_checked(applied: list[Applied]) -> list[str]:
    """One line per applied resource whose effect the rehearsal cannot show, in the order applied."""
    return [line for item in applied if item.planned.resource.type in NOT_CHECKED
            for line in NOT_CHECKED[item.planned.resource.type](item.planned.resource.inputs)]


def _bucket_policies(emulator: Emulator, applied: Sequence[Applied]) -> Iterator[tuple[BaseClient, Applied]]:
    """Each applied bucket policy, with an administrator's S3 client in its account."""
    for item in applied:
        if item.planned.resource.type == BUCKET_POLICY:
            yield emulator.admin("s3", item.planned.account_id, item.planned.region), item


def set_aside_bucket_policies(emulator: Emulator, applied: Sequence[Applied]) -> None:
    """Remove the applied bucket policies (authorisation still off), for the reason given in `not_checked`."""
    for s3, item in _bucket_policies(emulator, applied):
        s3.delete_bucket_policy(Bucket=item.planned.resource.inputs["bucket"])


def restore_bucket_policies(emulator: Emulator, applied: Sequence[Applied]) -> None:
    """Put back, byte for byte, the bucket policies set aside before step 3 (one write, authorisation off)."""
    emulator.disable_authorisation()
    for s3, item in _bucket_policies(emulator, applied):
        s3.put_bucket_policy(Bucket=item.planned.resource.inputs["bucket"], Policy=item.planned.document)
    emulator.enable_authorisation()
