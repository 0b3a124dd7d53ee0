"""The preview's proof of access: the plan as an estate, the model's intent, and the exhaustive analysis of one
against the other (`policypack.iameval.analysis`), with what it cannot see said in plain sentences.

Each account's part of the model comes from the stack that deploys it (its roles, groups and buckets as that
stack's model file says), so two stacks reading different models show up as findings, not as a silent merge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from access.config import DEFAULT_MODEL_PATH, MODEL_KEY, parse_model, parse_stack_settings, read_model_file
from access.intent import intent_of
from access.model import AccessModel
from offline.mock_run import StackRun
from offline.stack_config import SECRET_PLACEHOLDER
from policypack.iameval.analysis import Analyser
from policypack.iameval.results import Analysis
from preview.deployed import build_estate
from preview.scope import LeftOut, Scope

CLASS_NOTE = ("Offline the preview sees only the users the model names: in each account, \"any other principal\" "
              "stands for the users and roles it cannot list, which get in exactly when their own policies allow "
              "sts:AssumeRole on the role.")
PLACEHOLDER_NOTE = ("ExternalIds are stack secrets the preview cannot decrypt: it compared placeholders, so it proves "
                    "that each trust requires an ExternalId and refuses a wrong or missing one, not that both sides "
                    "hold the same value.")


@dataclass
class Proof:
    """The analysis, the accounts it could not cover, and the sentences that say where it approximates."""

    analysis: Analysis
    left_out: list[LeftOut] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)  # stack files not previewed, with why
    notes: list[str] = field(default_factory=list)
    unjudged: list[str] = field(default_factory=list)  # planned roles the model does not declare

    @property
    def partial(self) -> list[LeftOut]:
        return [a for a in self.left_out if a.deploys]


def deployed_model(runs: Sequence[StackRun], project_dir: Path, parsed: dict[str, AccessModel] | None = None
                   ) -> tuple[AccessModel, dict[tuple[str, str], str], list[str]]:
    """The model as the stacks deploy it (each account's part from its own stack's model), the ExternalIds each
    stack holds by (account, role), and the previewed accounts. `parsed`: models already read, by the path their
    config names (each file is read once)."""
    parsed = dict(parsed or {})
    parts: dict[str, AccessModel] = {}
    external_ids: dict[tuple[str, str], str] = {}
    for run in runs:
        values, secret_keys = run.config.values, run.config.secret_keys
        key = values.get(MODEL_KEY, DEFAULT_MODEL_PATH)
        if key not in parsed:
            parsed[key] = parse_model(read_model_file(values, project_dir, secret_keys))
        model = parsed[key]
        settings = parse_stack_settings(values, model, secret_keys)
        parts.setdefault(settings.account, model)
        external_ids.update({(settings.account, role): value for role, value in settings.external_ids})
    first = next(iter(parts.values()))

    def of(account: str) -> AccessModel:
        return parts.get(account, first)

    accounts = {a.name: a for model in (first, *parts.values()) for a in model.accounts}
    model = AccessModel(
        accounts=tuple(accounts.values()),
        roles=tuple(r for a in accounts for r in of(a).roles_in(a)),
        groups=tuple(g for a in accounts for g in of(a).groups_in(a)),
        buckets=tuple(b for a in accounts for b in of(a).buckets_in(a)),
    )
    return model, external_ids, list(parts)


def prove(runs: Sequence[StackRun], project_dir: Path, scope: Scope) -> Proof:
    """Analyse the roles of the previewed accounts against the intent; name what the preview leaves out."""
    model, external_ids, previewed = deployed_model(runs, project_dir, scope.models)
    estate = build_estate(runs, model, previewed)
    intents = intent_of(model, external_ids, tuple(r for a in previewed for r in model.roles_in(a)))
    unjudged = [r.arn for r in estate.roles() if r.arn not in intents]
    analysis = Analyser(estate, intents).run([*intents, *unjudged])
    notes = [CLASS_NOTE,
             f"Every account nothing names is represented by {analysis.outsider}, an account neither the model nor "
             "any document mentions, whose administrator's own policies allow everything.",
             f"Each session was asked all {analysis.catalogued:,} actions of the catalogue of "
             f"{analysis.catalogue_date} ({analysis.catalogue_source}) and every action the documents name; "
             "resources the model does not name are represented by one fresh resource per service in the role's "
             "own account (in other accounts, no resource policy of the plan admits them); actions AWS adds later "
             "are reached only through wildcard grants, listed per role."]
    if SECRET_PLACEHOLDER in external_ids.values():
        notes.append(PLACEHOLDER_NOTE)
    return Proof(analysis, scope.left_out(model, previewed), scope.strangers() + scope.duplicates(), notes,
                 [f"role {arn.rsplit('/', 1)[-1]} ({arn}) is planned but not in the model: its answer is shown, "
                  "not judged" for arn in unjudged])
