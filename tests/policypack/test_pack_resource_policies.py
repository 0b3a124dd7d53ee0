"""Resource policies outside `policy`, and public bucket ACLs, through the analyzer protocol."""

from __future__ import annotations

import pytest
from policypack_records import PRODUCTION, document, found, names, public_access_block, resource

from offline.analyzer import PolicyPackAnalyzer

WILDCARD = "iam-no-wildcard-principals"
ALLOWLISTED = "iam-trusted-accounts-allowlisted"
BLOCKED = "s3-bucket-public-access-blocked"


def everyone(action: str, target: str) -> str:
    return document({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": action, "Resource": target})


@pytest.mark.parametrize(
    ("type_", "inputs"),
    [
        ("aws:glacier/vault:Vault", {"name": "archive", "accessPolicy": everyone("glacier:*", "arn:aws:glacier:*")}),
        ("aws:opensearch/domain:Domain", {"domainName": "logs", "accessPolicies": everyone("es:*", "arn:aws:es:*")}),
        (
            "aws:opensearch/domainPolicy:DomainPolicy",
            {"domainName": "logs", "accessPolicies": everyone("es:ESHttp*", "arn:aws:es:*")},
        ),
        (
            "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy",
            {"repository": "r", "domain": "d", "policyDocument": everyone("codeartifact:*", "*")},
        ),
    ],
)
def test_documents_in_other_properties_are_resource_policies(
    pack: PolicyPackAnalyzer, type_: str, inputs: dict
) -> None:
    assert WILDCARD in names(found(pack, resource(type_, "target", inputs)))


def test_aws_opensearch_account_access_example_is_held_to_the_allowlist(pack: PolicyPackAnalyzer) -> None:
    def domain(account: str) -> object:
        policy = document(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "es:ESHttp*",
                "Resource": "arn:aws:es:us-east-1:999999999999:domain/logs/*",
            }
        )
        return resource("aws:opensearch/domain:Domain", "logs", {"domainName": "logs", "accessPolicies": policy})

    assert found(pack, domain("111111111111")) == []
    assert ALLOWLISTED in names(found(pack, domain("222222222222")))


def acl(canned: str | None = None, **inputs: object) -> object:
    props = {"bucket": "site", **({"acl": canned} if canned else {}), **inputs}
    return resource("aws:s3/bucketAclV2:BucketAclV2", "site-acl", props)


PUBLIC_GRANT = {
    "accessControlPolicy": {
        "owner": {"id": "owner"},
        "grants": [
            {
                "grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"},
                "permission": "READ",
            }
        ],
    }
}


@pytest.mark.parametrize(
    "opened",
    [
        acl("public-read"),
        acl("authenticated-read"),
        acl(**PUBLIC_GRANT),
        resource("aws:s3/bucket:Bucket", "site", {"bucket": "site", "acl": "public-read"}),
    ],
)
def test_public_acl_without_public_access_block_fires(pack: PolicyPackAnalyzer, opened: object) -> None:
    violations = [v for v in pack.analyze_stack([PRODUCTION, opened]) if v.policy_name == BLOCKED]
    assert [v.enforcement_level for v in violations] == ["mandatory"]
    assert "public" in violations[0].detail


def test_public_acl_behind_a_public_access_block_and_private_acls_pass(pack: PolicyPackAnalyzer) -> None:
    assert BLOCKED not in names(pack.analyze_stack([PRODUCTION, acl("public-read"), public_access_block("site")]))
    assert BLOCKED not in names(pack.analyze_stack([PRODUCTION, acl("private")]))
