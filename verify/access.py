"""Who can assume each role of the model and what its session reaches, live, against the model's intent.

The same analysis (`policypack.iameval.analysis`) with the same intent (`access.intent`) as the preview, on the
live estate, where every account read is complete: "any other principal of the account" becomes names, and
each that can assume a role without the model intending it is a finding. Only the model's roles in accounts that
were read are analysed (a role the model does not declare is nobody's intent; its documents are not drift).

ExternalIds are stack secrets verification does not decrypt. The live trust holds the value; the intent is
given that value as the one every trusted account holds, so the analysis proves that the trust still requires
it and refuses a wrong or missing one. A trust that lost its ExternalId condition is then caught (the intent
still requires one). No value is ever printed: the analysis labels its cases without them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from access.intent import intent_of
from access.model import AccessModel, Role
from policypack.iameval.analysis import Analyser
from policypack.iameval.estate import Estate
from policypack.iameval.results import Analysis
from verify.live import Document, LiveAccount
from verify.normalise import EXTERNAL_ID


def external_ids_in(trust: Document) -> list[str]:
    """The `sts:ExternalId` values a trust's conditions name (any operator), in order."""
    statements = trust.get("Statement", [])
    found: list[str] = []
    for statement in statements if isinstance(statements, list) else [statements]:
        for keys in (statement.get("Condition") or {}).values() if isinstance(statement, dict) else ():
            for key, values in keys.items() if isinstance(keys, dict) else ():
                if key.lower() == EXTERNAL_ID:
                    found += [str(v) for v in (values if isinstance(values, list) else [values])]
    return found


def live_external_ids(model: AccessModel, live: Mapping[str, LiveAccount]) -> dict[tuple[str, str], str]:
    """(account name, role name) -> the ExternalId the live trust requires, for every account the role concerns."""
    held: dict[tuple[str, str], str] = {}
    for role in model.roles:
        account = model.account(role.account)
        found = live.get(account.id)
        trust = found.roles[role.name].trust if found and role.name in found.roles else None
        values = external_ids_in(trust) if role.external_id_secret and trust else []
        if values:
            for name in (role.account, *role.trusted_accounts):
                held[(name, role.name)] = values[0]
    return held


def analysed_roles(model: AccessModel, read: Iterable[str]) -> tuple[Role, ...]:
    """The model's roles whose account was read."""
    ids = set(read)
    return tuple(r for r in model.roles if model.account(r.account).id in ids)


def judge_access(model: AccessModel, live: Mapping[str, LiveAccount], estate: Estate) -> Analysis:
    """The exhaustive analysis of the model's roles in the accounts read, against their intent."""
    intents = intent_of(model, live_external_ids(model, live), analysed_roles(model, live))
    return Analyser(estate, intents).run(list(intents))
