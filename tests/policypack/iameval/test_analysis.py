"""The exhaustive analysis on hand-built estates: the tutorial as intended, and each defect of issue 8 as a
variant the analysis must name (principal, action, resource, condition, and the statement that decided)."""

from __future__ import annotations

from typing import Any

import pytest

from access.aws_managed import managed_policy
from policypack.iameval import parse_policy
from policypack.iameval.analysis import analyse, outsider_account
from policypack.iameval.estate import AccountEstate, BucketEstate, Estate, Principal, RoleEstate
from policypack.iameval.role_intent import Grant, RoleIntent, principal_key

DEV, PROD = "111111111111", "999999999999"
ROLE = f"arn:aws:iam::{PROD}:role/UpdateApp"
BUCKET = "arn:aws:s3:::productionapp"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def trust_doc(*principals: str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": list(principals)}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return doc(statement)


READ_WRITE = doc({"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
                 {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": BUCKET},
                 {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                  "Resource": f"{BUCKET}/*"})
TLS_ONLY = doc({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [BUCKET, f"{BUCKET}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
POWER_USER = parse_policy("AWS-managed PowerUserAccess", managed_policy("arn:aws:iam::aws:policy/PowerUserAccess"))


def assume(effect: str, role_arn: str = ROLE) -> dict[str, Any]:
    return doc({"Effect": effect, "Action": "sts:AssumeRole", "Resource": role_arn})


def tutorial(*, trust: dict[str, Any] | None = None, session: dict[str, Any] = READ_WRITE,
             bucket_policy: dict[str, Any] | None = TLS_ONLY, testers_deny: bool = True, role_arn: str = ROLE,
             deny_names: str | None = None, extra_accounts: tuple[str, ...] = (),
             more_users: dict[str, Principal] | None = None) -> Estate:
    """The tutorial's estate, with one part changed by a variant."""
    role = RoleEstate(role_arn, "UpdateApp",
                      parse_policy("trust policy of UpdateApp", trust or trust_doc(f"arn:aws:iam::{DEV}:root")),
                      (parse_policy("read-write-app-bucket", session),))
    guard = parse_policy("bucket policy of productionapp", bucket_policy) if bucket_policy else None
    bucket = BucketEstate("productionapp", PROD, guard, True)
    allow = parse_policy("group Developers: allow-assume", assume("Allow", role_arn))
    testers = [POWER_USER]
    if testers_deny:
        testers.insert(0, parse_policy("group Testers: deny-assume", assume("Deny", deny_names or role_arn)))
    users = {"David": Principal(f"arn:aws:iam::{DEV}:user/David", (allow,), groups=("Developers",)),
             "Theresa": Principal(f"arn:aws:iam::{DEV}:user/Theresa", tuple(testers), groups=("Testers",)),
             **(more_users or {})}
    accounts = {PROD: AccountEstate(PROD, "production", roles={"UpdateApp": role},
                                    buckets={"productionapp": bucket}),
                DEV: AccountEstate(DEV, "development", users=users)}
    accounts.update({a: AccountEstate(a, f"extra-{a[0]}") for a in extra_accounts})
    return Estate(accounts)


def intent(role_arn: str = ROLE, read_only: bool = False, **changes: Any) -> RoleIntent:
    objects = ("s3:GetObject",) if read_only else ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")
    fields: dict[str, Any] = {
        "may": {f"{DEV}:user/David": "Developers may assume UpdateApp"},
        "may_not": {f"{DEV}:user/Theresa": "Testers is denied UpdateApp"},
        "delegated": frozenset({DEV}),
        "session": (Grant(("s3:ListAllMyBuckets",), "*"),
                    Grant(("s3:ListBucket", "s3:GetBucketLocation"), BUCKET, True, "read-write on productionapp"),
                    Grant(objects, f"{BUCKET}/*", True, "read-write on productionapp")),
    }
    fields.update(changes)
    return RoleIntent(role_arn, **fields)


def run(estate: Estate, role_intent: RoleIntent | None = None):
    role_intent = role_intent or intent()
    analysis = analyse(estate, {role_intent.arn: role_intent})
    return analysis, analysis.roles[0]


def wrong(role) -> set[tuple[str, str, str]]:
    return {(f.principal.split(" (")[0], f.condition, "granted" if f.granted else "refused") for f in role.findings}


def test_the_tutorial_is_exactly_as_intended() -> None:
    analysis, role = run(tutorial())
    assert role.findings == []
    assert role.assume_summary() == ("may assume: David (Developers); any other principal of development "
                                     f"({DEV}) whose own policies allow it; nobody else")
    assert role.refused_summary() == ("refused although their policies reach it: Theresa (Testers): denied: explicit "
                                      "Deny in statement 0 of policy group Testers: deny-assume")
    session = role.session_summary(analysis.catalogued, analysis.catalogue_date)
    assert session.startswith(f"session: s3:GetBucketLocation, s3:ListBucket on {BUCKET} [over TLS]; s3:DeleteObject, "
                              f"s3:GetObject, s3:PutObject on {BUCKET}/* [over TLS]; s3:ListAllMyBuckets on *; "
                              f"nothing else of {analysis.catalogued:,} catalogued actions")
    assert analysis.catalogued > 15000 and role.session_partitions == ("over TLS", "without TLS")


def test_theresa_without_the_deny_gets_in_through_power_user_access() -> None:
    _, role = run(tutorial(testers_deny=False))
    assert wrong(role) == {("Theresa", "", "granted")}
    finding = role.findings[0]
    assert "statement 0 of policy AWS-managed PowerUserAccess" in finding.why
    assert "Testers is denied UpdateApp" in finding.text()


def test_a_deny_naming_the_role_in_another_case_does_not_stop_theresa() -> None:
    # ARNs are case-sensitive for AWS: role/updateapp is another role, so PowerUserAccess lets Theresa in.
    _, role = run(tutorial(deny_names=f"arn:aws:iam::{PROD}:role/updateapp"))
    assert wrong(role) == {("Theresa", "", "granted")}


def test_braces_in_a_role_path_are_literal_characters() -> None:
    arn = f"arn:aws:iam::{PROD}:role/a{{2}}/UpdateApp"
    _, role = run(tutorial(role_arn=arn), intent(arn))
    assert role.findings == []
    assert role.assumers[0].label == "David (Developers)"


@pytest.mark.parametrize("limit", [30, 3600])
def test_mfa_age_limits_are_asked_at_each_boundary(limit: int) -> None:
    trust = trust_doc(f"arn:aws:iam::{DEV}:root", condition={
        "Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": str(limit)}})
    _, role = run(tutorial(trust=trust), intent(require_mfa=True, mfa_max_age=limit))
    assert role.findings == []
    david = next(a for a in role.assumers if a.label.startswith("David"))
    assert david.conditions == ("with MFA 0 s old", f"with MFA {limit - 1} s old")
    assert {"without MFA", "MFA not used", f"with MFA {limit} s old", f"with MFA {limit + 1} s old"} <= set(
        role.partitions)


def test_a_trust_asking_less_than_the_intent_is_named_per_condition() -> None:
    trust = trust_doc(f"arn:aws:iam::{DEV}:root", condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    _, role = run(tutorial(trust=trust), intent(require_mfa=True, mfa_max_age=30))
    assert ("David", "with MFA 31 s old", "granted") in wrong(role)
    assert ("David", "with MFA 29 s old", "granted") not in wrong(role)


def test_external_id_right_wrong_and_absent() -> None:
    trust = trust_doc(f"arn:aws:iam::{DEV}:root", condition={"StringEquals": {"sts:ExternalId": "agreed"}})
    _, role = run(tutorial(trust=trust), intent(require_external_id=True, external_id="agreed"))
    assert role.findings == []
    assert set(role.partitions) == {"with the trust's ExternalId", "with another ExternalId", "without ExternalId"}
    assert next(a for a in role.assumers if a.label.startswith("David")).conditions == ("with the trust's ExternalId",)


def test_a_stale_external_id_on_the_callers_side_locks_david_out_without_showing_it() -> None:
    trust = trust_doc(f"arn:aws:iam::{DEV}:root", condition={"StringEquals": {"sts:ExternalId": "the-right-one"}})
    _, role = run(tutorial(trust=trust), intent(require_external_id=True, external_id="the-right-one",
                                                external_ids={DEV: "a-stale-one"}))
    label = f"with the ExternalId development ({DEV}) holds"
    assert ("David", label, "refused") in wrong(role)
    assert "stale" not in " ".join(f.text() for f in role.findings)


def test_the_outsider_is_an_account_nothing_names() -> None:
    estate = tutorial(trust=trust_doc(f"arn:aws:iam::{DEV}:root", "arn:aws:iam::222222222222:root"),
                      extra_accounts=("333333333333", "444444444444"))
    assert outsider_account(estate) == "555555555555"
    analysis, role = run(estate, intent(delegated=frozenset({DEV, "222222222222"})))
    assert analysis.outsider == "555555555555" and role.findings == []
    assert "any other principal of 222222222222 whose own policies allow it" in role.assume_summary()


def test_a_wildcard_trust_lets_the_outsider_in() -> None:
    _, role = run(tutorial(trust=doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})))
    # And in the role's own account, `*` names every principal directly: no identity Allow needed (AWS).
    assert wrong(role) == {("an administrator of 222222222222, an account nothing names", "", "granted"),
                           ("any other principal of production", "", "granted"), ("role UpdateApp", "", "granted")}


def test_principals_the_trust_names_are_asked_about() -> None:
    deployer = "arn:aws:iam::444455556666:role/Deployer"
    estate = tutorial(trust=trust_doc(f"arn:aws:iam::{DEV}:root", deployer))
    _, role = run(estate, intent(if_allowed=frozenset({deployer})))
    assert role.findings == []
    assert f"{deployer} (if its own policies allow it)" in role.assume_summary()
    _, role = run(estate)  # not intended: named as a finding
    assert (f"{deployer}", "", "granted") in wrong(role)


def test_promised_but_refused_names_the_deciding_statement() -> None:
    # David is in both groups: the explicit Deny wins, as AWS decides; if the intent said yes, the finding says why.
    both = Principal(f"arn:aws:iam::{DEV}:user/David",
                     (parse_policy("group Developers: allow-assume", assume("Allow")),
                      parse_policy("group Testers: deny-assume", assume("Deny"))), groups=("Developers", "Testers"))
    _, role = run(tutorial(more_users={"David": both}))
    (finding,) = role.findings
    assert (finding.principal, finding.granted, finding.promised) == ("David (Developers, Testers)", False, True)
    assert finding.why == "denied: explicit Deny in statement 0 of policy group Testers: deny-assume"


def test_s3_everything_on_everything_is_named_with_the_wildcard() -> None:
    _, role = run(tutorial(session=doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})))
    granted = [f for f in role.findings if f.granted]
    actions = {a for f in granted for a in f.actions}
    assert {"s3:DeleteBucket", "s3:PutBucketPolicy"} <= actions
    assert any("any other bucket" in r for f in granted for r in f.resources)
    assert role.wildcards == ["statement 0 of policy read-write-app-bucket allows s3:*"]
    assert all("statement 0 of policy read-write-app-bucket" in f.why for f in granted)


def test_a_bucket_without_its_tls_policy_serves_plain_http() -> None:
    _, role = run(tutorial(bucket_policy=None))
    assert {(f.condition, f.granted) for f in role.findings} == {("without TLS", True)}
    assert "s3:PutObject" in role.findings[0].actions or "s3:PutObject" in role.findings[-1].actions


def test_a_read_only_grant_that_writes_is_named() -> None:
    _, role = run(tutorial(), intent(read_only=True))
    (finding,) = [f for f in role.findings if f.condition == "over TLS"]
    assert finding.actions == ("s3:DeleteObject", "s3:PutObject") and finding.granted


def test_an_unknown_policy_leaves_the_principal_undecided() -> None:
    vague = Principal(f"arn:aws:iam::{DEV}:user/Vera", problems=("managed policy X is not known offline",))
    _, role = run(tutorial(more_users={"Vera": vague}))
    assert [(f.kind, f.principal) for f in role.findings] == [("undecided", "Vera")]


def test_principals_are_evaluated_only_against_roles_their_policies_reach() -> None:
    roles = {f"Role{i}": RoleEstate(f"arn:aws:iam::{PROD}:role/Role{i}", f"Role{i}",
                                    parse_policy("trust", trust_doc(f"arn:aws:iam::{DEV}:root"))) for i in range(30)}
    users = {f"user{i}": Principal(f"arn:aws:iam::{DEV}:user/user{i}",
                                   (parse_policy(f"allow {i}", assume("Allow", roles[f"Role{i}"].arn)),))
             for i in range(30)}
    estate = Estate({PROD: AccountEstate(PROD, roles=roles), DEV: AccountEstate(DEV, users=users)})
    intents = {r.arn: RoleIntent(r.arn, may={principal_key(users[f"user{i}"].arn): "its group"},
                                 delegated=frozenset({DEV})) for i, r in enumerate(roles.values())}
    analysis = analyse(estate, intents)
    assert [f.text() for f in analysis.findings] == []
    first = analysis.roles[0]
    assert first.asked == 30 + 30 + 3  # every user and role of the estate, two classes, the outsider
    assert first.evaluated == 1 + 1  # its one user and the trusted account's others; the rest by construction
