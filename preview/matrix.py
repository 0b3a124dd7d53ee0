"""The access matrix: who may assume which role, and what that role's session may then do.

Every cell has two answers. The expected one comes from the model's intent (a group's canAssume/denyAssume,
the access level of each grant), written out here independently of `access.documents`; the actual one is an
IAM evaluation of the documents the programs generated (`preview.deployed`). A cell where they differ is a
deployment that would not do what the model says.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from access.config import DEFAULT_MODEL_PATH, PROJECT, load_stack, parse_stack_settings
from access.model import AccessModel, Account, Bucket, BucketAccess, Group, Role
from offline.mock_run import StackRun
from preview.deployed import Deployed, UnresolvedError
from preview.evaluator import ASSUME_ROLE, Evaluator, NamedPolicy, Principal, Request

# Accounts tried, in order, for the outsider: the first the model does not use.
THIRD_ACCOUNTS = ("222222222222", "333333333333", "444444444444")
ADMIN = NamedPolicy("its identity policy Allow *:*",
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
MFA = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"}
EXTERNAL_ID = "sts:ExternalId"
TLS = {"aws:SecureTransport": "true"}
NO_TLS = {"aws:SecureTransport": "false"}

# What each access level promises, on the bucket and on its objects (the tutorial's read-write-app-bucket).
BUCKET_ACTIONS = ("s3:ListBucket", "s3:GetBucketLocation")
OBJECT_ACTIONS = ("s3:GetObject", "s3:PutObject", "s3:DeleteObject")
PROMISED_OBJECT_ACTIONS = {
    BucketAccess.READ_ONLY: frozenset({"s3:GetObject"}),
    BucketAccess.READ_WRITE: frozenset(OBJECT_ACTIONS),
}
# What no grant ever allows: the bucket's own administration, and anything in IAM.
REFUSED_ON_BUCKET = ("s3:DeleteBucket", "s3:PutBucketPolicy")
REFUSED_ON_OTHER_OBJECTS = ("s3:GetObject", "s3:PutObject")
OTHER_BUCKET = "preview-unrelated-bucket"


@dataclass(frozen=True)
class Cell:
    """One question of the matrix with its expected and actual answers (None: cannot be evaluated offline)."""

    kind: str  # "assume" or "session"
    principal: str
    role: str
    action: str
    resource: str
    condition: str
    expected: bool
    actual: bool | None
    intent: str  # why the model expects this answer
    reason: str  # which policy decided the actual answer, or why there is none

    @property
    def ok(self) -> bool:
        return self.actual is not None and self.actual == self.expected

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "ok": self.ok}


@dataclass
class Matrix:
    """All cells, plus what the preview could not take into account (documents it could not read)."""

    cells: list[Cell]
    notes: list[str] = field(default_factory=list)

    @property
    def wrong(self) -> list[Cell]:
        return [c for c in self.cells if not c.ok]


@dataclass
class Scope:
    """The model as the previewed stacks deploy it: each account's roles, groups and buckets come from the model
    of the stack that deploys that account, so two stacks reading different models show up as wrong cells."""

    accounts: dict[str, Account] = field(default_factory=dict)
    roles: list[Role] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    buckets: dict[str, Bucket] = field(default_factory=dict)
    external_ids: dict[tuple[str, str], str] = field(default_factory=dict)  # (account, role) → ExternalId

    def external_id(self, role: Role, caller_account: str) -> str | None:
        """The ExternalId the caller's side is configured with (else the role's own stack's value)."""
        return self.external_ids.get((caller_account, role.name), self.external_ids.get((role.account, role.name)))


def scope_of(runs: Sequence[StackRun], project_dir: Path) -> Scope:
    """The scope of `runs`; stacks sharing a model file share its parse (validated in full once per file)."""
    scope = Scope()
    models: dict[str, AccessModel] = {}
    for run in runs:
        path = run.config.values.get(f"{PROJECT}:model", DEFAULT_MODEL_PATH)
        if path in models:
            model, settings = models[path], parse_stack_settings(run.config.values, models[path])
        else:
            model, settings = load_stack(run.config.values, project_dir)
            models[path] = model
        for account in model.accounts:
            scope.accounts.setdefault(account.name, account)
        scope.roles += model.roles_in(settings.account)
        scope.groups += model.groups_in(settings.account)
        scope.buckets.update({b.name: b for b in model.buckets_in(settings.account)})
        scope.external_ids.update({(settings.account, role): eid for role, eid in settings.external_ids})
    return scope


@dataclass(frozen=True)
class Subject:
    """A principal the matrix asks about: a group member, a user in no group, or an admin of a third account."""

    label: str
    arn: str
    account: str  # the model's account name ("" for the third account)
    groups: tuple[Group, ...] = ()
    admin: bool = False


def subjects(scope: Scope) -> list[Subject]:
    """Every member of a previewed group, a user in no group per trusted account, and a third account's admin."""
    users: dict[tuple[str, str], list[Group]] = {}
    for group in scope.groups:
        for member in group.members:
            users.setdefault((group.account, member), []).append(group)
    found = [Subject(f"{name} ({account}: {', '.join(g.name for g in groups)})",
                     f"arn:aws:iam::{scope.accounts[account].id}:user/{name}", account, tuple(groups))
             for (account, name), groups in users.items()]
    trusted = dict.fromkeys(a for role in scope.roles for a in role.trusted_accounts)
    found += [Subject(f"{account} user in no group", f"arn:aws:iam::{scope.accounts[account].id}:user/no-group-user",
                      account) for account in trusted]
    used = {a.id for a in scope.accounts.values()}
    third = next(a for a in THIRD_ACCOUNTS if a not in used)
    found.append(Subject(f"admin of third account {third}", f"arn:aws:iam::{third}:user/outsider", "", admin=True))
    return found


def intended_assume(subject: Subject, role: Role) -> tuple[bool, str]:
    """The model's answer: a group that may assume the role, none that is denied it, and a trusted account."""
    denied = [g.name for g in subject.groups if role.name in g.denied]
    allowed = [g.name for g in subject.groups if role.name in g.can_assume]
    if denied:
        return False, f"{denied[0]} denyAssume {role.name}"
    if allowed and subject.account in role.trusted_accounts:
        return True, f"{allowed[0]} canAssume {role.name}"
    if subject.admin:
        return False, "a third account is not trusted"
    return False, f"no group of theirs may assume {role.name}"


@dataclass(frozen=True)
class Question:
    """One request asked of a principal, with the model's answer to it."""

    action: str
    resource: str
    context: Mapping[str, str]
    condition: str
    expected: bool
    intent: str
    bucket: str = ""  # the bucket whose policy applies, if any


def _assume_questions(role: Role, arn: str, external_id: str | None, expected: bool,
                      intent: str) -> Iterator[Question]:
    """The request as the tutorial's step 3 makes it, then (for someone meant to get in) without each requirement."""
    full: dict[str, str] = {}
    labels = []
    if role.require_mfa:
        full.update(MFA)
        labels.append("with MFA")
    if external_id is not None:
        full[EXTERNAL_ID] = external_id
        labels.append("with the ExternalId")
    yield Question(ASSUME_ROLE, arn, full, " and ".join(labels), expected, intent)
    if expected and role.require_mfa:
        yield Question(ASSUME_ROLE, arn, {k: v for k, v in full.items() if k not in MFA}, "without MFA", False,
                       f"{role.name} requires MFA")
    if expected and external_id is not None:
        yield Question(ASSUME_ROLE, arn, {k: v for k, v in full.items() if k != EXTERNAL_ID}, "without ExternalId",
                       False, f"{role.name} requires its ExternalId")


def _session_questions(role: Role, account_id: str, buckets: Iterable[str]) -> Iterator[Question]:
    """What the role's session is asked: each promise of its grants, and what no grant may ever allow."""
    yield Question("s3:ListAllMyBuckets", "*", TLS, "", True, "every role may list buckets (console)")
    granted = {g.bucket for g in role.grants}
    for grant in role.grants:
        arn, why = f"arn:aws:s3:::{grant.bucket}", f"{grant.access} on {grant.bucket}"
        for action in BUCKET_ACTIONS:
            yield Question(action, arn, TLS, "", True, why, grant.bucket)
        for action in OBJECT_ACTIONS:
            promised = action in PROMISED_OBJECT_ACTIONS[grant.access]
            yield Question(action, f"{arn}/*", TLS, "", promised, why, grant.bucket)
        for action in REFUSED_ON_BUCKET:
            yield Question(action, arn, TLS, "", False, "no grant administers a bucket", grant.bucket)
    other = next((b for b in buckets if b not in granted), OTHER_BUCKET)
    for action in REFUSED_ON_OTHER_OBJECTS:
        yield Question(action, f"arn:aws:s3:::{other}/*", TLS, "", False, f"{other} is not granted to {role.name}",
                       other)
    yield Question("iam:CreateUser", f"arn:aws:iam::{account_id}:user/probe", TLS, "", False, "no grant reaches IAM")
    if role.grants:
        bucket = role.grants[0].bucket
        yield Question("s3:GetObject", f"arn:aws:s3:::{bucket}/*", NO_TLS, "without TLS", False,
                       f"the bucket policy of {bucket} refuses non-TLS requests", bucket)


class _Evaluation:
    """Evaluates cells with principals and parsed documents built once (per subject, per role), not per cell."""

    def __init__(self, scope: Scope, deployed: Deployed) -> None:
        self.scope = scope
        self.deployed = deployed
        self.evaluator = Evaluator()

    def role_account_id(self, role: Role) -> str:
        return self.scope.accounts[role.account].id

    def principal(self, subject: Subject) -> Principal:
        """The subject with its groups' planned inline policies and the managed policies the groups hold."""
        if subject.admin:
            return self.evaluator.principal(subject.arn, [ADMIN])
        groups = []
        for group in subject.groups:
            key = (self.scope.accounts[group.account].id, group.name)
            arns = dict.fromkeys([*group.managed_policy_arns, *self.deployed.group_policy_arns.get(key, [])])
            policies = [*self.deployed.group_policies.get(key, []), *(self.deployed.policy(a) for a in arns)]
            groups.append((f"arn:aws:iam::{key[0]}:group/{group.name}", policies))
        return self.evaluator.principal(subject.arn, groups=groups)

    def _cells(self, kind: str, who: str, role: Role, questions: Iterable[Question], principal: Principal | None,
               problem: str, trust: NamedPolicy | None = None) -> Iterator[Cell]:
        """Answer each question as `principal` (None: answer none, because of `problem`)."""
        for q in questions:
            if principal is None:
                yield Cell(kind, who, role.name, q.action, q.resource, q.condition, q.expected, None, q.intent, problem)
                continue
            if trust is not None:
                actual = self.evaluator.may_assume(principal, q.resource, trust, q.context).allowed
                request = Request(q.action, q.resource, q.context, trust, self.role_account_id(role))
            else:
                request = Request(q.action, q.resource, q.context, self.deployed.bucket_policies.get(q.bucket),
                                  self.deployed.bucket_owners.get(q.bucket))
                actual = self.evaluator.allowed(principal, request)
            yield Cell(kind, who, role.name, q.action, q.resource, q.condition, q.expected, actual, q.intent,
                       self.evaluator.explain(principal, request))

    def assume_cells(self, subject: Subject, principal: Principal | None, problem: str,
                     role: Role) -> Iterator[Cell]:
        target = self.deployed.role(self.role_account_id(role), role.name)
        if target is None or target.trust is None:
            principal = None
            problem = f"role {role.name} has no readable trust policy in the plan"
            problem += f" ({'; '.join(target.problems)})" if target else ""
        arn = target.arn if target else f"arn:aws:iam::{self.role_account_id(role)}:role{role.path}{role.name}"
        external_id = self.scope.external_id(role, subject.account) if role.external_id_secret else None
        expected, intent = intended_assume(subject, role)
        questions = _assume_questions(role, arn, external_id, expected, intent)
        yield from self._cells("assume", subject.label, role, questions, principal, problem,
                               target.trust if target else None)

    def session_cells(self, role: Role) -> Iterator[Cell]:
        target = self.deployed.role(self.role_account_id(role), role.name)
        problem = "; ".join(target.problems) if target else f"role {role.name} is not in the plan"
        session = None
        if target is not None and not target.problems:
            session = self.evaluator.principal(target.arn, target.policies, boundary=target.boundary,
                                               trust=target.trust.document if target.trust else None)
        questions = _session_questions(role, self.role_account_id(role), self.scope.buckets)
        yield from self._cells("session", f"{role.name} session", role, questions, session, problem)


def access_matrix(runs: Sequence[StackRun], deployed: Deployed, project_dir: Path) -> Matrix:
    """Every principal against every role of the previewed stacks, then every role's session against its grants."""
    scope = scope_of(runs, project_dir)
    evaluation = _Evaluation(scope, deployed)
    cells: list[Cell] = []
    for subject in subjects(scope):
        principal, problem = None, ""
        try:
            principal = evaluation.principal(subject)
        except UnresolvedError as error:
            problem = str(error)
        for role in scope.roles:
            cells += evaluation.assume_cells(subject, principal, problem, role)
    cells += [cell for role in scope.roles for cell in evaluation.session_cells(role)]
    return Matrix(cells, list(deployed.problems))
