"""AWS's own documented examples of policy evaluation, each with the rule from the AWS documentation that decides
it (IAM User Guide: Policy evaluation logic, Cross-account policy evaluation logic, Principal, NotPrincipal,
NotAction, NotResource, Permissions boundaries, Condition operators, Policy variables, Global condition keys)."""

from __future__ import annotations

from typing import Any

from policypack.iameval import Caller, Request, Target, evaluate, parse_policy
from policypack.iameval.policy import Policy

A, B = "111111111111", "999999999999"
CARLOS = f"arn:aws:iam::{A}:user/carlossalazar"
BUCKET = "arn:aws:s3:::amzn-s3-demo-bucket"


def policy(name: str, *statements: dict[str, Any]) -> Policy:
    return parse_policy(name, {"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str | list[str] = "*", **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def deny(action: str | list[str], resource: str | list[str] = "*", **more: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **more}


def test_an_explicit_deny_overrides_any_allow():
    """Policy evaluation for requests within a single account: "An explicit deny in any of the policies
    overrides the allow." """
    caller = Caller(CARLOS, (policy("allow-all", allow("*")), policy("deny-iam", deny("iam:*"))))
    decision = evaluate(caller, Request("iam:CreateUser", f"arn:aws:iam::{A}:user/x"))
    assert not decision.allowed
    assert decision.explain() == "denied: explicit Deny in statement 0 of policy deny-iam"
    assert evaluate(caller, Request("s3:GetObject", f"{BUCKET}/k")).allowed


def test_by_default_every_request_is_implicitly_denied():
    """"By default, all requests are implicitly denied with the exception of the AWS account root user"."""
    assert not evaluate(Caller(CARLOS), Request("s3:GetObject", f"{BUCKET}/k")).allowed
    assert evaluate(Caller(f"arn:aws:iam::{A}:root"), Request("s3:GetObject", f"{BUCKET}/k")).allowed


def test_same_account_either_policy_is_enough():
    """Single account: "If either the identity-based policy or the resource-based policy within the same account
    allows the request and the other doesn't, the request is still allowed." """
    bucket_policy = Target(policy("bucket", allow("s3:PutObject", f"{BUCKET}/*", Principal={"AWS": CARLOS})), A)
    request = Request("s3:PutObject", f"{BUCKET}/log.txt")
    decision = evaluate(Caller(CARLOS), request, bucket_policy)
    assert decision.allowed and not decision.identity_allows
    assert decision.explain() == f"allowed: statement 0 of policy bucket admits {CARLOS}"
    assert evaluate(Caller(CARLOS, (policy("mine", allow("s3:PutObject")),)), request, Target(None, A)).allowed


def test_cross_account_needs_both_sides():
    """Cross-account policy evaluation logic: "To allow cross-account access, you attach a resource-based policy
    to the resource that you want to share. You must also attach an identity-based policy to the identity that
    acts as the principal in the request." """
    request = Request("s3:GetObject", f"{BUCKET}/k")
    identity = policy("mine", allow("s3:GetObject"))
    bucket = Target(policy("bucket", allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": CARLOS})), B)
    assert evaluate(Caller(CARLOS, (identity,)), request, bucket).allowed
    assert evaluate(Caller(CARLOS), request, bucket).missing == ("identity policy",)
    assert evaluate(Caller(CARLOS, (identity,)), request, Target(None, B)).missing == ("resource policy",)
    other = Target(policy("bucket", allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": f"arn:aws:iam::{B}:root"})),
                   B)
    assert evaluate(Caller(CARLOS, (identity,)), request, other).missing == ("resource policy",)


def test_an_account_principal_delegates_to_the_accounts_own_policies():
    """Principal, AWS account principals: "This delegates authority to the account. When you allow access to a
    different account, an administrator in that account must then grant access to an identity (IAM user or role)
    in that account." and "The account ARN and the shortened account ID behave the same way." Within one account
    too, an Allow naming only the account is not an Allow for any one user."""
    trust = Target(policy("trust", {"Effect": "Allow", "Action": "sts:AssumeRole",
                                    "Principal": {"AWS": f"arn:aws:iam::{A}:root"}}), B, requires_policy=True)
    role = Request("sts:AssumeRole", f"arn:aws:iam::{B}:role/UpdateApp")
    assert not evaluate(Caller(CARLOS), role, trust).allowed
    assert evaluate(Caller(CARLOS, (policy("may", allow("sts:AssumeRole")),)), role, trust).allowed
    same = Target(policy("bucket", allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": A})), A)
    assert not evaluate(Caller(CARLOS), Request("s3:GetObject", f"{BUCKET}/k"), same).allowed


def test_a_trust_policy_must_allow_even_within_the_account():
    """Principal: "The IAM resource-based policy type is a role trust policy. In IAM roles, use the Principal
    element in the role trust policy to specify who can assume the role." Whoever it does not name cannot
    assume the role, whatever its own policies allow."""
    trust = Target(policy("trust", {"Effect": "Allow", "Action": "sts:AssumeRole",
                                    "Principal": {"Service": "ec2.amazonaws.com"}}), A, requires_policy=True)
    decision = evaluate(Caller(CARLOS, (policy("admin", allow("*")),)),
                        Request("sts:AssumeRole", f"arn:aws:iam::{A}:role/Ec2"), trust)
    assert not decision.allowed
    assert decision.missing == ("trust policy",)


def test_not_action_with_allow_grants_everything_else():
    """NotAction: "NotAction is an advanced policy element that explicitly matches everything except the
    specified list of actions." With Allow it grants everything else; the listed actions are not denied, merely
    not allowed by it (an implicit deny)."""
    caller = Caller(CARLOS, (policy("not-iam", {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),))
    assert evaluate(caller, Request("s3:GetObject", f"{BUCKET}/k")).allowed
    decision = evaluate(caller, Request("iam:CreateUser", f"arn:aws:iam::{A}:user/x"))
    assert not decision.allowed and not decision.denied_by


def test_not_resource_with_deny_denies_everything_else():
    """NotResource: "NotResource is an advanced policy element that explicitly matches every resource except
    those specified"; with Deny, everything but the payroll folder is denied."""
    caller = Caller(CARLOS, (policy("payroll", allow("s3:*", "*"), {
        "Effect": "Deny", "Action": "s3:*",
        "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]}),))
    assert evaluate(caller, Request("s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/2024.csv")).allowed
    assert not evaluate(caller, Request("s3:GetObject", "arn:aws:s3:::HRBucket/Other/x")).allowed


def test_not_principal_with_deny_spares_only_the_named_principal_with_its_account():
    """NotPrincipal: "the actions ... are explicitly denied to all principals except for the ones specified";
    "you must also specify the account ARN of the not-denied principal. Otherwise, the policy might deny access
    to the entire account"; and such a Deny "will always deny any IAM principal that has a permissions boundary
    policy attached"."""
    def bucket(*names: str) -> Target:
        return Target(policy("bucket", allow("s3:*", f"{BUCKET}/*", Principal={"AWS": A}),
                             deny("s3:*", f"{BUCKET}/*", NotPrincipal={"AWS": list(names)})), A)

    identity = (policy("s3", allow("s3:*")),)
    request = Request("s3:GetObject", f"{BUCKET}/k")
    assert evaluate(Caller(CARLOS, identity), request, bucket(CARLOS, f"arn:aws:iam::{A}:root")).allowed
    assert not evaluate(Caller(CARLOS, identity), request, bucket(CARLOS)).allowed
    bob = f"arn:aws:iam::{A}:user/Bob"
    assert not evaluate(Caller(bob, identity), request, bucket(CARLOS, f"arn:aws:iam::{A}:root")).allowed
    bounded = Caller(CARLOS, identity, boundary=policy("boundary", allow("s3:*")))
    assert not evaluate(bounded, request, bucket(CARLOS, f"arn:aws:iam::{A}:root")).allowed


def test_a_permissions_boundary_intersects_with_identity_policies():
    """Permissions boundaries: "An entity's permissions boundary allows it to perform only the actions that are
    allowed by both its identity-based policies and its permissions boundaries." The documented example: the
    boundary allows s3, cloudwatch and ec2; the user's policy allows iam:CreateUser: the user cannot create users."""
    boundary = policy("boundary", allow(["s3:*", "cloudwatch:*", "ec2:*"]))
    caller = Caller(CARLOS, (policy("create-users", allow("iam:CreateUser"), allow("s3:ListAllMyBuckets")),),
                    boundary)
    decision = evaluate(caller, Request("iam:CreateUser", f"arn:aws:iam::{A}:user/x"))
    assert not decision.allowed and decision.missing == ("permissions boundary",)
    assert decision.explain() == ("denied: Allow in statement 0 of policy create-users, but its permissions "
                                  "boundary does not allow it")
    assert evaluate(caller, Request("s3:ListAllMyBuckets", "*")).allowed
    assert not evaluate(Caller(CARLOS, (), boundary), Request("s3:ListAllMyBuckets", "*")).allowed
    denying = Caller(CARLOS, (policy("all", allow("*")),), policy("b", allow("*"), deny("s3:*")))
    assert evaluate(denying, Request("s3:GetObject", f"{BUCKET}/k")).denied_by[0].policy == "b"


def test_a_boundary_does_not_limit_a_same_account_resource_policy_naming_a_user_but_does_a_role():
    """Permissions boundaries, "Evaluating effective permissions with boundaries", resource-based policies (in
    substance): within an account, a resource-based policy granting to an IAM user's ARN is not limited by an
    implicit deny in the user's boundary; one granting to an IAM role's ARN is limited by the role's boundary."""
    boundary = policy("boundary", allow("ec2:*"))
    role = f"arn:aws:iam::{A}:role/Worker"
    bucket = Target(policy("bucket", allow("s3:GetObject", f"{BUCKET}/*", Principal={"AWS": [CARLOS, role]})), A)
    request = Request("s3:GetObject", f"{BUCKET}/k")
    assert evaluate(Caller(CARLOS, (), boundary), request, bucket).allowed
    decision = evaluate(Caller(role, (), boundary), request, bucket)
    assert not decision.allowed and decision.missing == ("permissions boundary",)


def test_if_exists_holds_when_the_key_is_absent():
    """...IfExists: "If the policy key is present in the context of the request, process the key as specified
    in the policy. If the key is not present, evaluate the condition element as true." (ec2:InstanceType)"""
    caller = Caller(CARLOS, (policy("types", allow("ec2:*", Condition={
        "StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}})),))
    instance = f"arn:aws:ec2:us-east-1:{A}:instance/i-1"
    assert evaluate(caller, Request("ec2:RunInstances", instance, {"ec2:InstanceType": "t2.micro"})).allowed
    assert not evaluate(caller, Request("ec2:RunInstances", instance, {"ec2:InstanceType": "p3.16xlarge"})).allowed
    assert evaluate(caller, Request("ec2:DescribeVolumes", "*")).allowed


def test_for_all_values_is_true_for_an_empty_set():
    """ForAllValues: "The condition returns true if every context key value in the request matches a context key
    value in the policy. It also returns true if there are no context keys in the request." """
    caller = Caller(CARLOS, (policy("tags", allow("ec2:CreateTags", Condition={
        "ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}})),))
    tags = f"arn:aws:ec2:us-east-1:{A}:instance/i-1"
    assert evaluate(caller, Request("ec2:CreateTags", tags, {"aws:TagKeys": ("environment",)})).allowed
    assert not evaluate(caller, Request("ec2:CreateTags", tags, {"aws:TagKeys": ("environment", "owner")})).allowed
    assert evaluate(caller, Request("ec2:CreateTags", tags, {"aws:TagKeys": ()})).allowed
    assert evaluate(caller, Request("ec2:CreateTags", tags)).allowed


def test_for_any_value_needs_one_match():
    """ForAnyValue: "tests whether at least one member of the set of request context key values matches at
    least one member of the set of context key values in your policy condition"; a request without the key has
    no such member, so the condition is false."""
    caller = Caller(CARLOS, (policy("tags", allow("ec2:CreateTags", Condition={
        "ForAnyValue:StringEquals": {"aws:TagKeys": ["environment"]}})),))
    tags = f"arn:aws:ec2:us-east-1:{A}:instance/i-1"
    assert evaluate(caller, Request("ec2:CreateTags", tags, {"aws:TagKeys": ("owner", "environment")})).allowed
    assert not evaluate(caller, Request("ec2:CreateTags", tags)).allowed


def test_null_checks_whether_a_key_is_absent():
    """Null: "Use a Null condition operator to check if a condition key is absent at the time of authorization.
    In the policy statement, use true (the key doesn't exist — it is null) or false"; the documented example
    tells long-term credentials (no aws:TokenIssueTime) from temporary ones."""
    caller = Caller(CARLOS, (policy("all", allow("*")), policy("temporary-only", deny(
        "*", Condition={"Null": {"aws:TokenIssueTime": "true"}}))))
    request = Request("s3:GetObject", f"{BUCKET}/k")
    assert not evaluate(caller, request).allowed
    assert evaluate(caller, Request("s3:GetObject", f"{BUCKET}/k", {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"})
                    ).allowed


def test_home_folder_with_the_username_variable():
    """Policy variables: "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*" and the
    s3:prefix condition let each user reach only their own folder: "When the policy is evaluated, the policy
    variables are replaced with values that come from the context of the request itself." With an earlier
    Version, "variables like ${aws:username} are treated as literal strings in the policy"."""
    home = policy("home", allow("s3:ListBucket", BUCKET, Condition={"StringLike": {"s3:prefix": [
        "", "home/", "home/${aws:username}/*"]}}), allow(["s3:GetObject", "s3:PutObject"],
                                                        f"{BUCKET}/home/${{aws:username}}/*"))
    caller = Caller(CARLOS, (home,))
    assert evaluate(caller, Request("s3:PutObject", f"{BUCKET}/home/carlossalazar/notes.txt")).allowed
    assert not evaluate(caller, Request("s3:PutObject", f"{BUCKET}/home/alice/notes.txt")).allowed
    assert evaluate(caller, Request("s3:ListBucket", BUCKET, {"s3:prefix": "home/carlossalazar/a"})).allowed
    assert not evaluate(caller, Request("s3:ListBucket", BUCKET, {"s3:prefix": "home/alice/a"})).allowed
    old = parse_policy("old", {"Version": "2008-10-17", "Statement": [
        allow("s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*")]})
    assert not evaluate(Caller(CARLOS, (old,)), Request("s3:GetObject", f"{BUCKET}/home/carlossalazar/x")).allowed


def test_mfa_age_limit():
    """Global condition keys, aws:MultiFactorAuthAge: the number of seconds since the principal last used MFA,
    absent when it did not; the documented example allows only with MFA used within the last hour
    (NumericLessThan 3600)."""
    caller = Caller(CARLOS, (policy("mfa", allow("ec2:StopInstances", Condition={
        "Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})),))
    instance = f"arn:aws:ec2:us-east-1:{A}:instance/i-1"
    fresh = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"}
    assert evaluate(caller, Request("ec2:StopInstances", instance, fresh)).allowed
    stale = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "7200"}
    assert not evaluate(caller, Request("ec2:StopInstances", instance, stale)).allowed
    assert not evaluate(caller, Request("ec2:StopInstances", instance)).allowed


def test_secure_transport_false_denies_plain_http():
    """aws:SecureTransport with Bool "false" in a bucket policy Deny refuses requests not sent over TLS (the
    documented TLS-only bucket policy; a JSON false is the same as "false")."""
    bucket = Target(policy("tls-only", deny("s3:*", [BUCKET, f"{BUCKET}/*"], Principal="*",
                                            Condition={"Bool": {"aws:SecureTransport": False}})), A)
    caller = Caller(CARLOS, (policy("s3", allow("s3:*")),))
    assert evaluate(caller, Request("s3:GetObject", f"{BUCKET}/k", {"aws:SecureTransport": "true"}), bucket).allowed
    decision = evaluate(caller, Request("s3:GetObject", f"{BUCKET}/k", {"aws:SecureTransport": "false"}), bucket)
    assert not decision.allowed
    assert decision.explain() == "denied: explicit Deny in statement 0 of policy tls-only"
