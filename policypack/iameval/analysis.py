"""Exhaustive analysis of an estate: who can assume each role, what each role's session can do, and how that
differs from what was intended.

Nothing is sampled. For each role:

(a) *who can assume it*: every user and role of the estate, in every account; per account the estate does not
    know completely, "any other principal of that account whose own policies allow it"; each principal the trust
    names that the estate does not hold; each service the trust names; and an administrator of an outsider
    account that nothing names. Each is asked under every case of the conditions the trust (and the caller's
    policies) mention: MFA absent / present and younger or older than each age limit, ExternalId right / wrong /
    absent, any other key at each literal, another value, absent, numbers and dates at each boundary and one
    either side.
(b) *what its session can do*: every action of the pinned catalogue (and any other the documents name) on the
    resources in play (a concrete representative of each ARN or pattern the documents and the intent mention,
    `*`, and a fresh resource of each service in the role's own account), under every case of the conditions
    its policies and the bucket policies mention. Actions are grouped by which statements can match them (their
    signature), and a group is evaluated only where an Allow can match both it and the resource: everything
    else is refused by construction, without an evaluation.

The comparison with a `RoleIntent` turns the complete answer into findings: anything granted that is not
promised, anything promised that is not granted, each naming principal, action, resource, condition and the
statements that decided (`Decision.explain()`).

Principals are indexed by the literal resources their statements name, so a principal is evaluated only against
the roles its policies can reach; principals the trust does not admit are decided without their policies.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from . import catalogue as pinned
from .cases import MAX_PARTITIONS, Needs, Partition, dimensions, partitions, representative
from .estate import BucketEstate, Estate, RoleEstate, arn_account, arn_name
from .evaluate import Caller, Request, Target, evaluate
from .matching import has_wildcard
from .policy import Condition, Policy, Statement, parse_policy
from .principals import Admission, IndexedPrincipal, PolicyIndex, trust_admission
from .results import Access, Analysis, Assumer, Finding, Refusal, RoleAnalysis
from .role_intent import RoleIntent, principal_key
from .scope import Actions, ActionSet, resource_test, resources_of, wildcard_grant

FRESH = "preview-fresh"
OUTSIDER_CANDIDATES = tuple(str(d) * 12 for d in range(2, 10))
_ACCOUNT_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")
_ANY_OTHER = "any other principal of {account} whose own policies allow it"


def _allowing(name: str, action: str = "sts:AssumeRole", resource: str = "*") -> Policy:
    return parse_policy(name, {"Version": "2012-10-17",
                               "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})


OWN_POLICIES_ALLOW = _allowing("its own policies (taken to allow it)")
ADMINISTRATOR = _allowing("its administrator policy (Allow * on *)", "*")


def outsider_account(estate: Estate, intents: Iterable[RoleIntent] = ()) -> str:
    """An account ID that neither the estate nor any of its documents nor the intent names."""
    used = set(estate.accounts)
    texts: list[str] = []
    for policy in _policies(estate):
        for statement in policy.statements:
            texts += [*resources_of(statement), *(v for c in statement.conditions for v in c.values)]
            texts += [v for _, values in (statement.principals or statement.not_principals or ()) for v in values]
    for intent in intents:
        texts += [intent.arn, *intent.may, *intent.if_allowed, *intent.delegated, *intent.external_ids]
    used.update(_ACCOUNT_ID.findall(" ".join(texts)))
    candidates = itertools.chain(OUTSIDER_CANDIDATES, (str(n) for n in itertools.count(123456789012)))
    return next(c for c in candidates if c not in used)


def _policies(estate: Estate) -> Iterator[Policy]:
    for principal in (*estate.users(), *estate.roles()):
        yield from principal.identity
        if principal.boundary is not None:
            yield principal.boundary
        if isinstance(principal, RoleEstate) and principal.trust is not None:
            yield principal.trust
    for bucket in estate.buckets():
        if bucket.policy is not None:
            yield bucket.policy


# ---- the session's resources ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Resource:
    """A concrete resource a session is asked about: its ARN, owner, bucket (for its policy) and how to call it."""

    arn: str
    owner: str
    label: str
    bucket: BucketEstate | None = None

    @cached_property
    def service(self) -> str:
        return "*" if self.arn == "*" else self.arn.split(":", 3)[2]


@dataclass
class _Group:
    """Actions that the same statements can match (so one evaluation answers for all of them), by service."""

    signature: frozenset[int]
    by_service: dict[str, list[str]]

    @cached_property
    def actions(self) -> list[str]:
        return [a for actions in self.by_service.values() for a in actions]

    @property
    def representative(self) -> str:
        return self.actions[0]


class _SessionQuestions:
    """Asks a session one action group on one resource under every condition case, and sorts the answers into
    what is allowed, what is granted but not promised and what is promised but refused."""

    def __init__(self, caller: Caller, parts: Sequence[Partition], intent: RoleIntent | None,
                 homes: Mapping[str, frozenset[str]], actions: Actions) -> None:
        self.caller = caller
        self.parts = parts
        self.intent = intent
        self.homes = homes
        self.actions = actions
        self.evaluated = 0
        self.allowed: dict[tuple[str, str], list[str]] = defaultdict(list)  # (action, resource label) -> cases
        self.pending: dict[tuple[object, ...], list[tuple[str, ...]]] = defaultdict(list)

    def __call__(self, group: _Group, resource: _Resource, names: Sequence[str]) -> None:
        target = Target(resource.bucket.policy if resource.bucket else None, resource.owner)
        for partition in self.parts:
            promised, why = self.intent.promised(resource.arn, partition.context) if self.intent else (frozenset(), "")
            # A promise is checked on its own resource: `s3:ListAllMyBuckets on *` is asked on `*`, not on each
            # bucket `*` also matches (where it means nothing).
            home = self.homes.get(resource.arn, frozenset()) & promised
            request = Request(self.actions.name(group.representative), resource.arn, partition.context)
            decision = evaluate(self.caller, request, target)
            self.evaluated += 1
            if decision.allowed:
                for action in names:
                    self.allowed[(action, resource.label)].append(partition.label)
                surplus = [a for a in names if a not in promised] if self.intent else []
                if surplus:
                    self.pending[(True, partition.label, decision.explain(), why)].append((resource.label, *surplus))
            else:
                wanted = [a for a in names if a in home]
                if wanted:
                    self.pending[(False, partition.label, decision.explain(), why)].append((resource.label, *wanted))


# ---- the analysis ----------------------------------------------------------------------------------------------


class Analyser:
    """The exhaustive analysis of one estate; indexes are built once and shared by every role's questions."""

    def __init__(self, estate: Estate, intents: Mapping[str, RoleIntent] | None = None,
                 catalogue: pinned.Catalogue | None = None) -> None:
        self.estate = estate
        self.intents = dict(intents or {})
        self.actions = Actions(catalogue or pinned.load())
        self.outsider = outsider_account(estate, self.intents.values())
        self._policies = PolicyIndex(self.actions)
        self._buckets = {b.name: b for b in estate.buckets()}
        self.callers = [self._policies.caller(u, u.label, "user") for u in estate.users()]
        self.callers += [self._policies.caller(r, f"role {r.name}", "role") for r in estate.roles()]
        self._by_key = {principal_key(c.arn): c for c in self.callers}
        self._by_arn = {c.arn: c for c in self.callers}
        self._assume_literal: dict[str, list[IndexedPrincipal]] = defaultdict(list)
        self._assume_wild: list[IndexedPrincipal] = []
        for caller in self.callers:
            for resource in caller.assume_literal:
                self._assume_literal[resource].append(caller)
            if caller.assume_wild:
                self._assume_wild.append(caller)
        self._undecided = [c for c in self.callers if c.principal.problems]
        self._bucket_grants = self._index_bucket_grants()
        self._partition_cache: dict[tuple[object, ...], tuple[tuple[Partition, ...], bool]] = {}
        self._fresh_resources: dict[str, dict[str, list[_Resource]]] = {}
        self._group_cache: dict[tuple[object, ...], list[_Group]] = {}

    # -- who may assume --

    def _role_needs(self, intent: RoleIntent | None) -> Needs:
        if intent is None:
            return Needs()
        holders = [(self.estate.label(account), value) for account, value in intent.external_ids.items()]
        if intent.external_id is not None:
            holders.append(("the role's own side", intent.external_id))
        ages = (str(intent.mfa_max_age),) if intent.mfa_max_age is not None else ()
        return Needs(mfa_ages=ages, mfa=intent.require_mfa, external_ids=tuple(holders),
                      external_id=intent.require_external_id)

    def _partitions(self, conditions: tuple[Condition, ...], needs: Needs) -> tuple[tuple[Partition, ...], bool]:
        key = (conditions, needs)
        if key not in self._partition_cache:
            self._partition_cache[key] = partitions(dimensions(conditions, needs))
        return self._partition_cache[key]

    def assumers(self, role: RoleEstate, intent: RoleIntent | None, result: RoleAnalysis) -> None:
        """Who may assume `role`: every caller under every condition case, compared with `intent`."""
        assert role.trust is not None
        admission = trust_admission(role.trust, self.actions)
        trust_conditions = tuple(c for s in role.trust.statements for c in s.conditions)
        needs = self._role_needs(intent)
        base, capped = self._partitions(trust_conditions, needs)
        result.partitions = tuple(p.label for p in base)
        if capped:
            result.notes.append(f"{role.name}: the trust's conditions have more cases than {MAX_PARTITIONS}: each key "
                                "was varied alone")
        target = Target(role.trust, role.account, requires_policy=True)
        request_of = {p.label: Request("sts:AssumeRole", role.arn, p.context) for p in base}

        def ask(caller: Caller, label: str, arn: str, kind: str, parts: Sequence[Partition],
                expect: Callable[[Partition], tuple[bool | None, str]]) -> None:
            allowed_under: list[str] = []
            for partition in parts:
                request = request_of.get(partition.label) or Request("sts:AssumeRole", role.arn, partition.context)
                decision = evaluate(caller, request, target)
                result.evaluated += 1
                result.asked += 1
                if decision.allowed:
                    allowed_under.append(partition.label)
                expected, why = expect(partition)
                if expected is not None and expected != decision.allowed:
                    result.findings.append(Finding(role.name, "assume", label, ("sts:AssumeRole",), (role.arn,),
                                                   partition.label, decision.allowed, expected, decision.explain(),
                                                   why, arn))
            if allowed_under:
                everywhere = len(allowed_under) == len(parts)
                result.assumers.append(Assumer(label, arn, kind, () if everywhere else tuple(allowed_under)))
            elif kind in ("user", "role"):
                result.refused.append(Refusal(label, arn, decision.explain()))

        def expectation(allowed: bool | None, why: str, account: str) -> Callable[[Partition], tuple[bool | None, str]]:
            def expect(partition: Partition) -> tuple[bool | None, str]:
                if intent is None or allowed is None:
                    return None, why
                if not allowed:
                    return False, why
                met, lacking = intent.conditions_met(partition.context, account)
                return met, why if met else lacking
            return expect

        known = self._known_candidates(role, admission, intent)
        for caller in known:
            principal = caller.principal
            if principal.problems:
                result.findings.append(Finding(role.name, "undecided", caller.label, ("sts:AssumeRole",), (role.arn,),
                                               "", False, False, "; ".join(principal.problems), arn=caller.arn))
                continue
            policies = caller.policies_for(role.arn)
            extra = tuple(c for p in (*policies, *((principal.boundary,) if principal.boundary else ()))
                          for s in p.statements for c in s.conditions)
            parts = self._partitions(trust_conditions + extra, needs)[0] if extra else base
            allowed, why = intent.principal(caller.arn) if intent else (None, "")
            ask(Caller(caller.arn, policies, principal.boundary, principal.tags), caller.label, caller.arn,
                caller.kind, parts, expectation(allowed, why, principal.account))
        result.asked += (len(self.callers) - len(known)) * len(base)
        self._ask_unknown(role, admission, intent, base, ask, expectation, result)

    def _known_candidates(self, role: RoleEstate, admission: Admission,
                          intent: RoleIntent | None) -> list[IndexedPrincipal]:
        """The estate's principals whose answer is not refused by construction: admitted by the trust and with an
        Allow that can reach the role (or named by the trust in the role's own account), or promised the role
        (evaluated to explain why not), or with policies unknown (reported undecided)."""
        found: dict[str, IndexedPrincipal] = {}
        account = role.account
        pool = [*self._assume_literal.get(role.arn, ()), *self._assume_wild]
        if admission.everyone:
            pool += [c for c in self.callers if c.principal.account == account]
        pool += [self._by_arn[a] for a in admission.arns if a in self._by_arn]
        if intent is not None:
            pool += [self._by_key[k] for k in intent.may if k in self._by_key]
        pool += self._undecided
        for caller in pool:
            promised = intent is not None and principal_key(caller.arn) in intent.may
            if promised or (admission.admits(caller.arn, caller.principal.account) and (
                    caller.principal.problems or (admission.names(caller.arn) and caller.principal.account == account)
                    or role.arn in caller.assume_literal or caller.assume_wild)):
                found.setdefault(caller.arn, caller)
        return sorted(found.values(), key=lambda c: (c.kind != "user", c.arn))

    def _ask_unknown(self, role: RoleEstate, admission: Admission, intent: RoleIntent | None,
                     base: Sequence[Partition], ask: Callable[..., None], expectation: Callable[..., object],
                     result: RoleAnalysis) -> None:
        """The principals the estate does not hold: each incomplete account's others, the trust's named principals
        and services, and the outsider. An account the trust does not name is refused by construction (evaluated
        only when the intent says it may, to explain why it cannot)."""
        accounts = dict.fromkeys([*self.estate.accounts, *sorted(admission.accounts),
                                  *sorted(arn_account(a) for a in admission.arns)])
        for account in accounts:
            if not account or account in self.estate.complete:
                continue
            label = _ANY_OTHER.format(account=self.estate.label(account))
            delegated = intent is not None and account in intent.delegated
            if not (delegated or admission.everyone or account in admission.accounts):
                result.asked += len(base)
                continue
            why = (f"{account} is trusted: its own policies decide" if delegated
                   else f"{role.name} does not trust {account}")
            arn = f"arn:aws:iam::{account}:role/{FRESH}-principal"
            ask(Caller(arn, (OWN_POLICIES_ALLOW,)), label, f"arn:aws:iam::{account}:root", "class", base,
                expectation(delegated, why, account))
        for arn in sorted(admission.arns - set(self._by_arn)):
            named = intent is not None and arn in intent.if_allowed
            label = f"{arn} (if its own policies allow it)"
            why = "the trust names it" if named else "nothing intends it to assume the role"
            try:
                caller = Caller(arn, (OWN_POLICIES_ALLOW,))
                caller.kind  # noqa: B018 (refuses what is not a principal ARN)
            except ValueError:
                continue
            ask(caller, label, arn, "named", base, expectation(named, why, arn_account(arn)))
        for other in admission.others:
            ask(Caller(other), other.split(":", 1)[1], other, "service", base,
                expectation(False, "no service is intended to assume it", ""))
        if not admission.everyone:
            result.asked += len(base)
            return
        label = f"an administrator of {self.outsider}, an account nothing names"
        ask(Caller(f"arn:aws:iam::{self.outsider}:user/{FRESH}-outsider", (ADMINISTRATOR,)), label,
            f"arn:aws:iam::{self.outsider}:root", "outsider", base,
            expectation(False, "an account nothing names is never intended", self.outsider))

    # -- what the session can do --

    def _index_bucket_grants(self) -> tuple[list[BucketEstate], dict[str, list[BucketEstate]]]:
        """Buckets whose policy has an Allow naming everyone, or naming accounts / ARNs (looked up per role)."""
        everyone: list[BucketEstate] = []
        named: dict[str, list[BucketEstate]] = defaultdict(list)
        for bucket in self._buckets.values():
            if bucket.policy is None:
                continue
            for statement in bucket.policy.statements:
                if statement.deny:
                    continue
                if statement.principals is None:
                    everyone.append(bucket)
                    continue
                for kind, values in statement.principals:
                    for value in values:
                        if kind == "*" or value == "*":
                            everyone.append(bucket)
                        elif value.isdigit() or value.endswith(":root"):
                            named[value if value.isdigit() else arn_account(value)].append(bucket)
                        else:
                            named[value].append(bucket)
        return everyone, named

    def _relevant_buckets(self, role: RoleEstate, statements: Iterable[Statement],
                          intent: RoleIntent | None) -> list[BucketEstate]:
        """Buckets the role's policies or the intent name, and buckets whose policy may grant the role something."""
        names: list[str] = []
        patterns = [p for s in statements for p in resources_of(s)]
        patterns += [g.resource for g in intent.session] if intent else []
        for pattern in patterns:
            if pattern.startswith("arn:aws:s3:::"):
                name = pattern.removeprefix("arn:aws:s3:::").split("/", 1)[0]
                if not has_wildcard(name) and "${" not in name:
                    names.append(name)
        everyone, named = self._bucket_grants
        found = {b.name: b for b in (*everyone, *named.get(role.account, ()), *named.get(role.arn, ()))}
        found.update({n: self._buckets[n] for n in names if n in self._buckets})
        return sorted(found.values(), key=lambda b: b.name)

    def _resource(self, arn: str, role: RoleEstate, label: str) -> _Resource:
        if arn.startswith("arn:aws:s3:::"):
            bucket = self._buckets.get(arn.removeprefix("arn:aws:s3:::").split("/", 1)[0])
            return _Resource(arn, bucket.account if bucket else role.account, label, bucket)
        account = arn_account(arn)
        return _Resource(arn, account if account.isdigit() and len(account) == 12 else role.account, label)

    def _resources(self, role: RoleEstate, statements: Sequence[Statement], buckets: Sequence[BucketEstate],
                   intent: RoleIntent | None) -> dict[str, list[_Resource]]:
        """By service (`*` for the resource `*`): a representative of each ARN or pattern in play, each relevant
        bucket and one of its objects, and a fresh resource of each service in the role's own account."""
        found: dict[str, _Resource] = {}
        patterns = [p for s in statements for p in resources_of(s)]
        patterns += [g.resource for g in intent.session] if intent else []
        for pattern in patterns:
            if pattern != "*" and pattern.startswith("arn:"):
                arn = _concrete(pattern, role.account)
                found.setdefault(arn, self._resource(arn, role, pattern))
        for bucket in buckets:
            found.setdefault(bucket.arn, self._resource(bucket.arn, role, bucket.arn))
            objects = _concrete(f"{bucket.arn}/*", role.account)
            found.setdefault(objects, self._resource(objects, role, f"{bucket.arn}/*"))
        by_service: dict[str, list[_Resource]] = defaultdict(list)
        by_service["*"].append(_Resource("*", role.account, "*"))
        for resource in found.values():
            by_service[resource.service].append(resource)
        for service, fresh in self._fresh(role.account).items():
            by_service[service] = by_service[service] + fresh if service in by_service else fresh
        return by_service

    def _fresh(self, account: str) -> dict[str, list[_Resource]]:
        """A resource of each service in `account` that no document names (built once per account)."""
        if account not in self._fresh_resources:
            self._fresh_resources[account] = {
                service: [_Resource(arn, account, label) for arn, label in _fresh(service, account)]
                for service in self.actions.services}
        return self._fresh_resources[account]

    def _groups(self, statements: Sequence[Statement], intent: RoleIntent | None) -> list[_Group]:
        """The actions grouped by signature (which statements match them); roles whose statements match the same
        actions (most of a large estate) share the result."""
        sets = [self.actions.of(s) for s in statements]
        promised = frozenset().union(*(g.lowered for g in intent.session)) if intent is not None else frozenset()
        key = (tuple(id(s) for s in sets), promised)
        if key not in self._group_cache:
            self._group_cache[key] = self._grouped(sets, intent)
        return self._group_cache[key]

    def _grouped(self, sets: Sequence[ActionSet], intent: RoleIntent | None) -> list[_Group]:
        explicit = frozenset().union(*(s.names for s in sets))
        if intent is not None:
            for grant in intent.session:
                for action in grant.actions:
                    self.actions.display.setdefault(action.lower(), action)
            explicit |= frozenset().union(*(g.lowered for g in intent.session))
        groups: dict[frozenset[int], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for action in sorted(explicit):
            signature = frozenset(i for i, s in enumerate(sets) if action in s)
            groups[signature][action.split(":", 1)[0]].append(action)
        rest_signature = frozenset(i for i, s in enumerate(sets) if s.kind in ("all", "except"))
        result = [_Group(sig, dict(by_service)) for sig, by_service in groups.items()]
        if rest_signature:  # the other catalogued actions matter only when a statement matches them all
            rest = {svc: acts for svc, acts in self.actions.rest(explicit).items() if acts}
            result.append(_Group(rest_signature, rest))
        return result

    def session(self, role: RoleEstate, intent: RoleIntent | None, result: RoleAnalysis) -> None:
        """What `role`'s session may do: every action group on every resource in play, under every condition case."""
        own: list[tuple[Statement, str]] = [(s, "identity") for p in role.identity for s in p.statements]
        own += [(s, "boundary") for s in (role.boundary.statements if role.boundary else ())]
        buckets = self._relevant_buckets(role, [s for s, _ in own], intent)
        sources = own + [(s, f"bucket:{b.name}") for b in buckets if b.policy for s in b.policy.statements]
        statements = [s for s, _ in sources]
        tests = [resource_test(s) for s in statements]
        result.wildcards = [f"{s.label()} allows {wildcard_grant(s)}" for s, source in own
                            if source == "identity" and not s.deny and (s.actions is None or any(
                                has_wildcard(a) for a in s.actions))]
        needs = Needs(tls=intent is not None and any(g.tls_only for g in intent.session))
        conditions = tuple(c for s in statements for c in s.conditions)
        parts, capped = self._partitions(conditions, needs)
        result.session_partitions = tuple(p.label for p in parts)
        if capped:
            result.notes.append(f"{role.name} session: more condition cases than {MAX_PARTITIONS}: each key was "
                                "varied alone")
        caller = Caller(role.arn, role.identity, role.boundary, role.tags)
        resources = self._resources(role, statements, buckets, intent)
        homes: dict[str, frozenset[str]] = defaultdict(frozenset)
        for grant in intent.session if intent else ():
            homes[_concrete(grant.resource, role.account)] |= grant.lowered
        ask = _SessionQuestions(caller, parts, intent, homes, self.actions)
        for group in self._groups(statements, intent):
            allows = [i for i in group.signature if not statements[i].deny and sources[i][1] != "boundary"]
            for service, names in (("*", group.actions), *group.by_service.items()):
                for resource in resources.get(service, ()):
                    bucket = f"bucket:{resource.bucket.name}" if resource.bucket is not None else ""
                    if any(sources[i][1] in ("identity", bucket) and tests[i](resource.arn) for i in allows) or \
                            not homes.get(resource.arn, frozenset()).isdisjoint(names):
                        ask(group, resource, names)
        result.session_evaluated = ask.evaluated
        result.findings += [self._session_finding(role, key, entries) for key, entries in ask.pending.items()]
        allowed = ask.allowed
        result.session = _accesses(allowed, len(parts), self.actions)

    def _session_finding(self, role: RoleEstate, key: tuple[object, ...],
                         entries: list[tuple[str, ...]]) -> Finding:
        granted, condition, why, intent_why = key
        resources = tuple(dict.fromkeys(e[0] for e in entries))
        actions = tuple(sorted({self.actions.name(a) for e in entries for a in e[1:]}))
        intent = str(intent_why) if intent_why else "nothing promises it"
        if not granted:
            intent = str(intent_why)
        return Finding(role.name, "session", f"{role.name} session", actions, resources, str(condition),
                       bool(granted), not granted, str(why), intent, role.arn)

    # -- everything --

    def role(self, role: RoleEstate, intent: RoleIntent | None = None) -> RoleAnalysis:
        result = RoleAnalysis(role)
        for problem in role.problems:
            result.findings.append(Finding(role.name, "undecided", f"role {role.name}", (), (role.arn,), "", False,
                                           False, problem, arn=role.arn))
        if role.trust is not None:
            self.assumers(role, intent, result)
        self.session(role, intent, result)
        for bucket in self._relevant_buckets(role, (), intent):
            result.findings += [Finding(role.name, "undecided", f"bucket {bucket.name}", (), (bucket.arn,), "", False,
                                        False, problem) for problem in bucket.problems]
        order = {"undecided": 0, "assume": 1, "session": 2}
        result.findings.sort(key=lambda f: (order[f.kind], f.principal, f.condition))
        return result

    def run(self, roles: Iterable[str] | None = None) -> Analysis:
        """Analyse the roles named (by ARN; default: every role with an intent, else every role of the estate)."""
        by_arn = {r.arn: r for r in self.estate.roles()}
        wanted = list(roles) if roles is not None else (list(self.intents) or list(by_arn))
        analysis = Analysis([], self.outsider, self.actions.catalogue.source, self.actions.catalogue.date,
                            self.actions.count, notes=list(self.estate.problems))
        for arn in wanted:
            role = by_arn.get(arn)
            if role is None:
                analysis.findings_outside_roles.append(Finding(
                    arn_name(arn), "undecided", f"role {arn_name(arn)}", (), (arn,), "", False, True,
                    f"the role {arn} is intended but not in the estate", arn=arn))
                continue
            analysis.roles.append(self.role(role, self.intents.get(arn)))
        return analysis


def _concrete(pattern: str, account: str) -> str:
    """The representative of an ARN pattern: a wildcard account is `account`, a wildcard region us-east-1."""
    if pattern == "*":
        return pattern
    parts = pattern.split(":", 5)
    if len(parts) == 6 and has_wildcard(parts[4]):
        parts[4] = account
    if len(parts) == 6 and has_wildcard(parts[3]):
        parts[3] = "us-east-1"
    return representative(":".join(parts))


def _fresh(service: str, account: str) -> list[tuple[str, str]]:
    """A resource of `service` in `account` that no document names (S3: a bucket and one of its objects)."""
    if service == "s3":
        bucket = f"arn:aws:s3:::{FRESH}-{account}"
        return [(bucket, f"any other bucket of {account}"), (f"{bucket}/{FRESH}-object",
                                                              f"any other bucket's objects in {account}")]
    region = "" if service in ("iam", "sts", "organizations", "route53", "cloudfront") else "us-east-1"
    return [(f"arn:aws:{service}:{region}:{account}:{FRESH}", f"any other {service} resource of {account}")]


def _accesses(allowed: Mapping[tuple[str, str], list[str]], cases: int, actions: Actions) -> list[Access]:
    """The allowed (action, resource) pairs as one entry per (resource, condition cases), actions sorted; an action
    allowed on `*` under some cases is not repeated for each resource it reaches under the same cases."""
    star = {action: tuple(c) for (action, label), c in allowed.items() if label == "*"}
    grouped: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for (action, label), conditions in allowed.items():
        under = tuple(dict.fromkeys(conditions))
        if label != "*" and action in star and set(under) <= set(star[action]):
            continue
        grouped[(label, () if len(under) == cases else under)].append(actions.name(action))
    return [Access(label, tuple(sorted(names)), conditions)
            for (label, conditions), names in sorted(grouped.items(), key=lambda item: (item[0][0] == "*", item[0]))]


def analyse(estate: Estate, intents: Mapping[str, RoleIntent] | None = None,
            roles: Iterable[str] | None = None, catalogue: pinned.Catalogue | None = None) -> Analysis:
    """The exhaustive analysis of `estate` against `intents` (role ARN -> RoleIntent); see the module docstring."""
    return Analyser(estate, intents, catalogue).run(roles)
