"""Condition cases: for every condition key the documents (or an intent) mention, the values worth asking, and their
combinations as request contexts (partitions).

Nothing is sampled: each literal, each number or date boundary and one either side, an address inside each
range and one outside, another value and absent. MFA and ExternalId get their own cases (MFA's two keys come
together; ExternalId values are secrets, so their labels never show them).
"""

from __future__ import annotations

import ipaddress
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from .policy import Condition

SECURE_TRANSPORT = "aws:securetransport"
MFA_PRESENT, MFA_AGE = "aws:multifactorauthpresent", "aws:multifactorauthage"
EXTERNAL_ID = "sts:externalid"
# Keys AWS sets from the caller itself (the engine adds them): a request cannot choose them.
CALLER_KEYS = frozenset({"aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:username",
                         "aws:userid"})
# Keys every request carries: never asked absent.
ALWAYS_PRESENT = frozenset({SECURE_TRANSPORT, "aws:currenttime", "aws:epochtime"})
MAX_PARTITIONS = 256  # beyond this product of condition cases, each key is varied alone (and the report says so)



@dataclass(frozen=True)
class Partition:
    """One case of every condition key in play: its label (for reports) and the request context it sets."""

    label: str
    context: Mapping[str, str]


Case = tuple[str, tuple[tuple[str, str], ...]]  # (label, context entries)


def _family(operator: str) -> str:
    base = operator.split(":", 1)[-1].lower()
    base = base.removesuffix("ifexists") if base != "ifexists" else base
    for family in ("string", "arn", "bool", "numeric", "date", "binary", "null"):
        if base.startswith(family):
            return family
    return "ip" if base in ("ipaddress", "notipaddress") else "string"


def representative(pattern: str) -> str:
    """A concrete value a wildcard pattern matches (`*` and `?` filled in, policy variables too)."""
    return re.sub(r"\$\{[^}]*\}", "preview", pattern).replace("*", "preview").replace("?", "p")


def _shown(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _numbers(values: Iterable[str]) -> list[str]:
    found: set[Decimal] = set()
    for value in values:
        try:
            number = Decimal(value)
        except InvalidOperation:
            continue
        found |= {number - 1, number, number + 1}
    return [str(n) for n in sorted(n for n in found if n >= 0)]


def _date(value: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _dates(values: Iterable[str]) -> list[str]:
    found = {d + timedelta(seconds=s) for v in values if (d := _date(v)) is not None for s in (-1, 0, 1)}
    return [d.strftime("%Y-%m-%dT%H:%M:%SZ") for d in sorted(found)]


def _addresses(values: Iterable[str]) -> list[str]:
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            continue
    inside = [str(n.network_address) for n in networks]
    outside = next((a for a in ("192.0.2.1", "198.51.100.1", "203.0.113.1", "2001:db8::1")
                    if not any(ipaddress.ip_address(a) in n for n in networks)), None)
    return list(dict.fromkeys(inside + ([outside] if outside else [])))


def _generic_cases(key: str, spelled: str, uses: list[tuple[str, tuple[str, ...]]]) -> list[Case]:
    """Each literal (or number/date boundary ±1, address inside each range and one outside), another value,
    and absent."""
    values: list[str] = []
    for family, literals in uses:
        plain = [v for v in literals if "${" not in v]
        if family in ("string", "arn", "binary"):
            values += [representative(v) for v in plain]
        elif family == "bool":
            values += ["true", "false"]
        elif family == "numeric":
            values += _numbers(plain)
        elif family == "date":
            values += _dates(plain)
        elif family == "ip":
            values += _addresses(plain)
    if any(family in ("string", "arn", "binary", "null") for family, _ in uses):
        values.append("preview-other-value")
    cases: list[Case] = [(_value_label(key, spelled, v), ((spelled, v),)) for v in dict.fromkeys(values)]
    if key not in ALWAYS_PRESENT:
        cases.append(("without TLS information" if key == SECURE_TRANSPORT else f"no {spelled}", ()))
    return cases


def _value_label(key: str, spelled: str, value: str) -> str:
    if key == SECURE_TRANSPORT:
        return "over TLS" if value == "true" else "without TLS"
    if value == "preview-other-value":
        return f"{spelled} another value"
    return f"{spelled}={_shown(value)}"


def _mfa_cases(ages: Iterable[str]) -> list[Case]:
    limits = _numbers(ages)
    cases: list[Case] = [("without MFA", ()), ("MFA not used", (("aws:MultiFactorAuthPresent", "false"),))]
    for age in dict.fromkeys(["0", *limits]):
        cases.append((f"with MFA {age} s old",
                      (("aws:MultiFactorAuthPresent", "true"), ("aws:MultiFactorAuthAge", age))))
    return cases


def _external_id_cases(trust_values: Sequence[str], expected: Mapping[str, str]) -> list[Case]:
    """The trust's values, the ones each caller's side holds, another one, none: labelled without the values,
    which are secrets."""
    cases: list[Case] = []
    seen: set[str] = set()
    for i, value in enumerate(dict.fromkeys(v for v in trust_values if "${" not in v)):
        seen.add(value)
        cases.append(("with the trust's ExternalId" + (f" #{i + 1}" if i else ""), (("sts:ExternalId", value),)))
    for holder, value in expected.items():
        if value not in seen:
            seen.add(value)
            cases.append((f"with the ExternalId {holder} holds", (("sts:ExternalId", value),)))
    cases.append(("with another ExternalId", (("sts:ExternalId", "preview-another-external-id"),)))
    cases.append(("without ExternalId", ()))
    return cases


@dataclass(frozen=True)
class Needs:
    """Condition keys an intent relies on, so they are asked even when no document mentions them."""

    mfa_ages: tuple[str, ...] = ()
    mfa: bool = False
    external_ids: tuple[tuple[str, str], ...] = ()  # (who holds it, value)
    external_id: bool = False
    tls: bool = False


def dimensions(conditions: Iterable[Condition], needs: Needs) -> list[list[Case]]:
    """One list of cases per condition key in play (MFA's two keys are one dimension: they come together)."""
    uses: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    spelled: dict[str, str] = {}
    for condition in conditions:
        key = condition.key.lower()
        if key in CALLER_KEYS or key.startswith("aws:principaltag/"):
            continue
        spelled.setdefault(key, condition.key)
        uses[key].append((_family(condition.operator), condition.values))
    dims: list[list[Case]] = []
    if needs.mfa or MFA_PRESENT in uses or MFA_AGE in uses:
        ages = [v for _, values in uses.pop(MFA_AGE, []) for v in values] + list(needs.mfa_ages)
        uses.pop(MFA_PRESENT, None)
        dims.append(_mfa_cases(ages))
    if needs.external_id or EXTERNAL_ID in uses:
        literals = [v for _, values in uses.pop(EXTERNAL_ID, []) for v in values]
        dims.append(_external_id_cases(literals, dict(needs.external_ids)))
    if needs.tls and SECURE_TRANSPORT not in uses:
        uses[SECURE_TRANSPORT].append(("bool", ("true",)))
        spelled[SECURE_TRANSPORT] = "aws:SecureTransport"
    for key in sorted(uses):
        dims.append(_generic_cases(key, spelled[key], uses[key]))
    return dims


def partitions(dims: Sequence[Sequence[Case]]) -> tuple[tuple[Partition, ...], bool]:
    """Every combination of the dimensions' cases; past MAX_PARTITIONS, each dimension varied alone from its
    first case (the flag says so)."""
    size = 1
    for dim in dims:
        size *= len(dim)
    if size <= MAX_PARTITIONS:
        combos: Iterable[Sequence[Case]] = itertools.product(*dims)
        capped = False
    else:
        base = [dim[0] for dim in dims]
        combos = [base] + [[*base[:i], case, *base[i + 1:]] for i, dim in enumerate(dims) for case in dim[1:]]
        capped = True
    found = []
    for combo in combos:
        label = ", ".join(label for label, _ in combo if label)
        found.append(Partition(label, {k: v for _, entries in combo for k, v in entries}))
    return tuple(found), capped
