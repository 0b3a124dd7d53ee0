"""The engine against an independent one (principalmapper 1.1.5) on generated policies and requests.

The property covers the space where both implement AWS's documented logic; every place they part is left out of
that space on purpose and pinned below as an example, with the AWS documentation that decides it, asserting
what AWS does (our engine) and what principalmapper does instead (so a fixed oracle shows up here too).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from iameval_oracle import oracle_allows, unique_id

from policypack.iameval import Caller, Request, Target, evaluate, parse_policy

A, B = "111111111111", "999999999999"
DAVID, OPS, EVE = f"arn:aws:iam::{A}:user/David", f"arn:aws:iam::{A}:role/Ops", f"arn:aws:iam::{B}:user/Eve"
ROLE = f"arn:aws:iam::{B}:role/UpdateApp"
APP = "arn:aws:s3:::productionapp"

RESOURCES = [f"{APP}/home/David/notes.txt", f"{APP}/report.csv", APP, "arn:aws:s3:::other/x", ROLE, OPS]
ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "sts:AssumeRole", "iam:CreateUser"]
ACTION_PATTERNS = [*ACTIONS, "S3:getobject", "s3:*", "s3:Get*", "s3:?utObject", "*", "iam:*", "sts:Assume*"]
# Wildcards only where both engines read them alike: a whole segment, a segment's end, or the resource part.
RESOURCE_PATTERNS = [*RESOURCES, "*", f"{APP}/*", f"{APP}/home/${{aws:username}}/*", "arn:aws:s3:::*",
                     "arn:aws:iam::*:role/UpdateApp", f"arn:aws:iam::{B}:role/*", "arn:aws:s3:::production???/*"]
PRINCIPALS = ["*", {"AWS": A}, {"AWS": f"arn:aws:iam::{A}:root"}, {"AWS": B},
              {"AWS": f"arn:aws:iam::{B}:root"}, {"AWS": DAVID}, {"AWS": OPS}, {"AWS": EVE},
              {"AWS": [DAVID, f"arn:aws:iam::{B}:root"]}, {"Service": "ec2.amazonaws.com"}]
ARN_PATTERNS = [DAVID, OPS, f"arn:aws:iam::{A}:*", "arn:aws:iam::*:user/*", f"arn:aws:iam::{B}:role/*"]
STRING_VALUES = ["home/David/*", "home/*", "dev", "David", "report*", "ops?"]

# (operator, key, candidate values): the operators both engines read alike for these keys.
CONDITIONS: list[tuple[list[str], str, list[Any]]] = [
    (["Bool", "BoolIfExists"], "aws:SecureTransport", ["true", "false"]),
    (["Bool", "BoolIfExists"], "aws:MultiFactorAuthPresent", ["true", "false"]),
    (["NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericEquals", "NumericNotEquals"],
     "aws:MultiFactorAuthAge", ["60", "3600", "600"]),
    (["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
      "StringNotLike", "StringEqualsIfExists", "StringNotEqualsIfExists", "StringLikeIfExists"],
     "s3:prefix", STRING_VALUES),
    (["StringEquals", "StringNotEquals", "StringLike", "StringEqualsIgnoreCase"], "aws:PrincipalTag/team",
     ["dev", "DEV", "ops", "d*"]),
    (["StringEquals", "StringLike", "StringNotEquals"], "aws:username", ["David", "Eve", "Dav*"]),
    (["IpAddress", "NotIpAddress"], "aws:SourceIp", ["203.0.113.0/24", "198.51.100.0/25", "2001:db8::/32"]),
    # One value only: principalmapper reads only the first value of a Date condition.
    (["DateLessThan", "DateGreaterThan", "DateLessThanEquals", "DateGreaterThanEquals"], "aws:CurrentTime",
     ["2020-01-01T00:00:00Z"]),
    (["DateLessThan", "DateGreaterThan", "DateLessThanEquals", "DateGreaterThanEquals"], "aws:CurrentTime",
     ["2030-06-01T12:00:00Z"]),
    (["DateLessThan", "DateGreaterThan"], "aws:CurrentTime", ["1700000000"]),
    (["ArnLike", "ArnEquals", "ArnNotLike", "ArnNotEquals", "ArnLikeIfExists"], "aws:PrincipalArn", ARN_PATTERNS),
    (["ArnLike", "ArnNotLike", "ArnLikeIfExists"], "aws:SourceArn", ARN_PATTERNS),
    (["Null"], "aws:MultiFactorAuthAge", ["true", "false"]),
    (["Null"], "aws:SourceIp", ["true", "false"]),
    (["ForAllValues:StringEquals", "ForAnyValue:StringEquals", "ForAllValues:StringLike", "ForAnyValue:StringLike",
      "ForAllValues:StringNotEquals"], "aws:TagKeys", ["team", "cost", "te*"]),
]


def _one_or_many(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(values), st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True))


@st.composite
def condition_blocks(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """1-2 operators, one key each (principalmapper ORs the keys of a set-operator block; AWS ANDs them)."""
    block: dict[str, dict[str, Any]] = {}
    for operators, key, values in draw(st.lists(st.sampled_from(CONDITIONS), min_size=1, max_size=2)):
        block[draw(st.sampled_from(operators))] = {key: draw(_one_or_many(values))}
    return block


@st.composite
def statements(draw: st.DrawFn, request: tuple[str, str, str], resource_policy: bool = False) -> dict[str, Any]:
    """A statement biased towards the request (its action, resource and caller are likelier than the others),
    so that allows, denies and their interplay all come up often."""
    action, resource, caller = request
    effect = draw(st.sampled_from(["Allow"] * 5 + ["Deny"]))
    statement: dict[str, Any] = {"Effect": effect}
    statement[draw(st.sampled_from(["Action", "Action", "Action", "NotAction"]))] = draw(
        _one_or_many([*ACTION_PATTERNS, *[action] * 6]))
    element = draw(st.sampled_from(["Resource", "Resource", "Resource", "NotResource"]
                                   + ([None] if resource_policy else [])))
    if element is not None:
        statement[element] = draw(_one_or_many([*RESOURCE_PATTERNS, *[resource] * 6]))
    if draw(st.integers(0, 2)) == 0:
        statement["Condition"] = draw(condition_blocks())
    if resource_policy:
        if effect == "Deny" and draw(st.booleans()):
            # NotPrincipal naming the caller and its account, or neither (see the pinned NotPrincipal examples).
            statement["NotPrincipal"] = {"AWS": draw(st.sampled_from([[EVE, f"arn:aws:iam::{B}:root"],
                                                                       [DAVID, f"arn:aws:iam::{A}:root"],
                                                                       [OPS, f"arn:aws:iam::{A}:root"]]))}
        else:
            statement["Principal"] = draw(st.sampled_from([*PRINCIPALS, *[{"AWS": caller}] * 3]))
    return statement


def documents(request: tuple[str, str, str], resource_policy: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    return st.lists(statements(request, resource_policy), min_size=1, max_size=3).map(
        lambda s: {"Version": "2012-10-17", "Statement": s})


@st.composite
def contexts(draw: st.DrawFn, caller: str) -> dict[str, Any]:
    """The request's keys. Those principalmapper would invent when absent (aws:SecureTransport true, the current
    time, aws:userid) are always given, so both engines read the same request."""
    context: dict[str, Any] = {
        "aws:SecureTransport": draw(st.sampled_from(["true", "false"])),
        "aws:CurrentTime": draw(st.sampled_from(["2025-01-01T00:00:00Z", "2031-01-01T00:00:00Z"])),
        "aws:EpochTime": "1735689600", "aws:userid": unique_id(caller)}
    optional = {
        "aws:MultiFactorAuthPresent": st.sampled_from(["true", "false"]),
        "aws:MultiFactorAuthAge": st.sampled_from(["30", "60", "3600", "7200"]),
        "s3:prefix": st.sampled_from(["home/David/a", "home/Eve/", "report.csv", "ops1"]),
        "aws:SourceIp": st.sampled_from(["203.0.113.9", "198.51.100.200", "2001:db8::5", "192.0.2.1"]),
        "aws:SourceArn": st.sampled_from([DAVID, OPS, ROLE]),
        "aws:TagKeys": st.lists(st.sampled_from(["team", "cost", "owner"]), min_size=1, max_size=3, unique=True),
    }
    for key, values in optional.items():
        if draw(st.booleans()):
            context[key] = draw(values)
    return context


def _string_not_like_on_a_missing_key(documents: list[dict[str, Any] | None], context: dict[str, Any]) -> bool:
    present = {k.lower() for k in context}
    return any(operator == "StringNotLike" and key.lower() not in present
               for document in documents if document for statement in document["Statement"]
               for operator, keys in statement.get("Condition", {}).items() for key in keys)


def _names_directly(resource_policy: dict[str, Any], caller: str) -> bool:
    return any(s["Effect"] == "Allow" and (s.get("Principal") in ("*", {"AWS": "*"}) or caller in str(s.get(
        "Principal"))) for s in resource_policy["Statement"])


def _not_principal_disputed(resource_policy: dict[str, Any], caller: str, has_boundary: bool) -> bool:
    """Whether a NotPrincipal names the caller or its account but not both, or names it while it has a
    boundary: where AWS's documentation and principalmapper part."""
    root = f"arn:aws:iam::{caller.split(':')[4]}:root"
    for statement in resource_policy["Statement"]:
        named = statement.get("NotPrincipal", {}).get("AWS", [])
        if (caller in named) != (root in named) or (caller in named and has_boundary):
            return True
    return False


def _both(caller: str, identity: list[dict[str, Any]], boundary: dict[str, Any] | None, tags: dict[str, str],
          action: str, resource: str, context: dict[str, Any], resource_policy: dict[str, Any] | None,
          owner: str) -> tuple[bool, bool]:
    """(our decision, principalmapper's) on the same question."""
    target = None
    if resource_policy is not None:
        target = Target(parse_policy("resource", resource_policy), owner,
                        requires_policy=resource.split(":")[2] in ("iam", "kms"))
    ours = evaluate(Caller(caller, tuple(parse_policy(f"p{i}", d) for i, d in enumerate(identity)),
                           parse_policy("boundary", boundary) if boundary else None, tuple(tags.items())),
                    Request(action, resource, context), target)
    return ours.allowed, oracle_allows(caller, identity, boundary, tags, action, resource, context,
                                       resource_policy, owner)


# No example database: the run leaves nothing in the working tree (a failure prints its example instead).
@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_the_engine_agrees_with_principalmapper_where_both_follow_aws(data: st.DataObject):
    caller = data.draw(st.sampled_from([DAVID, OPS, EVE]), label="caller")
    action = data.draw(st.sampled_from(ACTIONS), label="action")
    resource = data.draw(st.sampled_from(RESOURCES), label="resource")
    request = (action, resource, caller)
    identity = data.draw(st.lists(documents(request), min_size=1, max_size=2), label="identity")
    boundary = data.draw(st.none() | st.none() | documents(request), label="boundary")
    tags = data.draw(st.sampled_from([{}, {"team": "dev"}, {"Team": "ops"}]), label="tags")
    resource_policy = data.draw(st.none() | documents(request, resource_policy=True), label="resource policy")
    owner = resource.split(":")[4] or data.draw(st.sampled_from([A, B]), label="owner")
    context = data.draw(contexts(caller), label="context")
    assume(not _string_not_like_on_a_missing_key([*identity, boundary, resource_policy], context))
    # principalmapper lets a same-account resource policy naming a role bypass the role's boundary.
    assume(not (caller == OPS and boundary and resource_policy and owner == A
                and _names_directly(resource_policy, caller)))
    # ... and reads NotPrincipal its own way: see the pinned examples.
    assume(not (resource_policy and _not_principal_disputed(resource_policy, caller, boundary is not None)))
    ours, theirs = _both(caller, identity, boundary, tags, action, resource, context, resource_policy, owner)
    assert ours == theirs


# ---- Where principalmapper parts from AWS: each pinned, with the documentation that decides it ---------------------


def _decide(identity: list[dict[str, Any]], action: str, resource: str, *, caller: str = DAVID,
            context: dict[str, Any] | None = None, resource_policy: dict[str, Any] | None = None,
            owner: str = A, boundary: dict[str, Any] | None = None) -> tuple[bool, bool]:
    full = {"aws:SecureTransport": "true", "aws:CurrentTime": "2025-01-01T00:00:00Z", "aws:EpochTime": "1735689600",
            "aws:userid": unique_id(caller), **(context or {})}
    return _both(caller, identity, boundary, {}, action, resource, full, resource_policy, owner)


def _doc(*statements: dict[str, Any], version: str = "2012-10-17") -> dict[str, Any]:
    return {"Version": version, "Statement": list(statements)}


ALL = _doc({"Effect": "Allow", "Action": "*", "Resource": "*"})


def test_resource_arns_are_case_sensitive():
    """Resource element: "In the Resource element, the IAM user name is case sensitive"; ARN matching is
    "Case-sensitive matching of the ARN" (ARN condition operators). A deny naming role/updateapp does not stop
    Theresa assuming role/UpdateApp (principalmapper ignores case: the unsafe direction)."""
    deny = _doc({"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{B}:role/updateapp"})
    assert _decide([ALL, deny], "sts:AssumeRole", ROLE) == (True, False)


def test_nothing_in_an_arn_is_a_regular_expression():
    """Resource element: wildcards are `*` ("any combination of characters") and `?` ("any single character");
    every other character stands for itself, so `a{2}` is not `aa`."""
    allow = _doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a{2}/*"})
    assert _decide([allow], "s3:GetObject", "arn:aws:s3:::aa/k") == (False, True)


def test_a_star_inside_a_segment_does_not_cross_a_colon():
    """Resource element: "You can use wildcard characters (* and ?) within the individual segments of an ARN (the
    parts separated by colons)"; a `*` crosses a colon only as the last character of a segment."""
    allow = _doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::9*9:role/UpdateApp"})
    resource = f"arn:aws:iam::{B}:x:9:role/UpdateApp"
    assert _decide([allow], "sts:AssumeRole", resource) == (False, True)


def test_json_booleans_in_conditions():
    """Condition operators, Boolean: the TLS-only bucket policy writes {"Bool": {"aws:SecureTransport": false}};
    IAM reads the JSON boolean as the value "false". principalmapper never matches it, so the Deny vanishes."""
    tls_only = _doc({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": f"{APP}/*",
                     "Condition": {"Bool": {"aws:SecureTransport": False}}})
    plain_http = {"aws:SecureTransport": "false"}
    assert _decide([ALL], "s3:GetObject", f"{APP}/k", context=plain_http, resource_policy=tls_only) == (False, True)


def test_negated_operator_on_a_missing_key_is_true():
    """Condition operators: "If the policy condition requires that the key is not matched, such as StringNotLike
    or ArnNotLike, and the right key is not present, the condition is true." principalmapper says false for
    StringNotLike."""
    allow = _doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": APP,
                  "Condition": {"StringNotLike": {"s3:prefix": "secret/*"}}})
    assert _decide([allow], "s3:ListBucket", APP) == (True, False)


def test_if_exists_compares_a_present_key():
    """...IfExists: "If the policy key is present in the context of the request, process the key as specified in
    the policy." principalmapper's numeric, date and IP operators lose their meaning with the suffix."""
    numeric = _doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                    "Condition": {"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}}})
    assert _decide([numeric], "s3:GetObject", f"{APP}/k", context={"aws:MultiFactorAuthAge": "60"}) == (True, False)
    ip = _doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
               "Condition": {"IpAddressIfExists": {"aws:SourceIp": "203.0.113.0/24"}}})
    assert _decide([ip], "s3:GetObject", f"{APP}/k", context={"aws:SourceIp": "203.0.113.9"}) == (True, False)


def test_several_date_values_are_ored():
    """Conditions with multiple values: "If a single condition operator includes multiple values for a context
    key, those values are evaluated using a logical OR." principalmapper reads only a Date condition's first."""
    allow = _doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {
        "DateLessThan": {"aws:CurrentTime": ["2020-01-01T00:00:00Z", "2030-01-01T00:00:00Z"]}}})
    assert _decide([allow], "s3:GetObject", f"{APP}/k") == (True, False)


def test_for_any_value_with_a_negated_operator_needs_one_value_outside():
    """ForAnyValue: "tests whether at least one member of the set of request context key values matches at least
    one member of the set of context key values in your policy condition": with StringNotEquals, one request tag
    outside the policy's values is enough. principalmapper applies the negation to the whole set."""
    allow = _doc({"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
                  "Condition": {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team"]}}})
    tags = {"aws:TagKeys": ["team", "cost"]}
    assert _decide([allow], "ec2:CreateTags", "arn:aws:ec2:us-east-1:111111111111:instance/i-1",
                   context=tags) == (True, False)


def test_an_everyone_principal_written_as_aws_star_grants_directly():
    """Principal, all principals (in substance): "Principal": "*" and "Principal": {"AWS": "*"} are equivalent;
    and within one account, "If either the identity-based policy or the resource-based policy within the same
    account allows the request and the other doesn't, the request is still allowed". principalmapper treats
    {"AWS": "*"} as naming the account only."""
    public = _doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": f"{APP}/*"})
    assert _decide([], "s3:GetObject", f"{APP}/k", resource_policy=public) == (True, False)


def test_not_principal_must_name_the_account_too():
    """NotPrincipal: "When you use NotPrincipal, you must also specify the account ARN of the not-denied
    principal. Otherwise, the policy might deny access to the entire account containing the principal." Naming
    the user alone does not spare it; naming the account alone spares nobody else."""
    def bucket(*named: str) -> dict[str, Any]:
        return _doc({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "s3:*", "Resource": f"{APP}/*"},
                    {"Effect": "Deny", "NotPrincipal": {"AWS": list(named)}, "Action": "s3:*", "Resource": f"{APP}/*"})

    assert _decide([ALL], "s3:GetObject", f"{APP}/k", resource_policy=bucket(DAVID)) == (False, True)
    assert _decide([ALL], "s3:GetObject", f"{APP}/k", caller=OPS,
                   resource_policy=bucket(DAVID, f"arn:aws:iam::{A}:root")) == (False, True)


def test_not_principal_deny_always_denies_a_principal_with_a_boundary():
    """Permissions boundaries: "The NotPrincipal element with a Deny effect will always deny any IAM principal
    that has a permissions boundary policy attached, regardless of the values specified in the NotPrincipal
    element." """
    bucket = _doc({"Effect": "Deny", "NotPrincipal": {"AWS": [DAVID, f"arn:aws:iam::{A}:root"]}, "Action": "s3:*",
                   "Resource": f"{APP}/*"})
    assert _decide([ALL], "s3:GetObject", f"{APP}/k", resource_policy=bucket, boundary=ALL) == (False, True)


def test_a_same_account_resource_policy_naming_a_role_stays_within_its_boundary():
    """Permissions boundaries, resource-based policies (in substance): a resource-based policy granting to an IAM
    role's ARN is limited by an implicit deny in the role's permissions boundary."""
    bucket = _doc({"Effect": "Allow", "Principal": {"AWS": OPS}, "Action": "s3:GetObject", "Resource": f"{APP}/*"})
    ec2_only = _doc({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"})
    assert _decide([], "s3:GetObject", f"{APP}/k", caller=OPS, resource_policy=bucket, boundary=ec2_only) == (
        False, True)


def test_variables_are_literal_before_version_2012():
    """Policy variables: "Variables were introduced in version 2012-10-17. Earlier versions of the policy
    language don't support policy variables. If you don't set the Version element to 2012-10-17, variables like
    ${aws:username} are treated as literal strings in the policy." """
    old = _doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{APP}/home/${{aws:username}}/*"},
               version="2008-10-17")
    assert _decide([old], "s3:GetObject", f"{APP}/home/David/k") == (False, True)


def test_aws_secure_transport_is_read_from_the_request():
    """Global condition keys, aws:SecureTransport: "Availability – This key is always included in the request
    context." The engine takes it from the request (the analysis asks both ways); principalmapper assumes "true"
    when it is not given, so a TLS-only Deny never applies there unless the caller says "false"."""
    tls_only = _doc({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": f"{APP}/*",
                     "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    assert _decide([ALL], "s3:GetObject", f"{APP}/k", resource_policy=tls_only,
                   context={"aws:SecureTransport": "false"}) == (False, False)
    ours = evaluate(Caller(DAVID, (parse_policy("all", ALL),)), Request("s3:GetObject", f"{APP}/k"),
                    Target(parse_policy("tls", tls_only), A))
    assert ours.allowed  # absent: neither true nor false, so a Bool "false" Deny does not match
