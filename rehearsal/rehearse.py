"""One rehearsal, start to end: both stacks under the mock runtime, then the emulator, in the tutorial's order.

Everything that can be refused without the emulator (a config error, a resource type with no boto3 call,
stacks reading different models) is refused before it starts; everything after runs inside
`start_emulator`, so the server is stopped whatever happens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version

from access.config import load_stack
from access.model import AccessModel
from offline.mock_run import PROJECT_DIR, StackRun, run_stack
from offline.stack_config import StackConfig
from rehearsal import prerequisites
from rehearsal.apply import Applied, apply, plan_calls
from rehearsal.emulator import start_emulator
from rehearsal.limits import not_checked, set_aside_bucket_policies
from rehearsal.steps import Context, Result, plan, run_step
from rehearsal.transcript import Transcript
from rehearsal.verification import Verified, create_auditors, transcribe, verify_rehearsal


class StacksDisagreeError(ValueError):
    """The stacks read different access models, so there is no one tutorial to rehearse."""


@dataclass(frozen=True)
class Rehearsal:
    """What was applied, what each step got, and what verification said of the accounts afterwards."""

    applied: tuple[Applied, ...]
    results: tuple[Result, ...]
    verified: Verified

    @property
    def checks(self) -> int:
        return sum(a.planned.document is not None for a in self.applied) + len(self.results) + 1

    @property
    def surprises(self) -> int:
        """Documents the emulator does not hold byte for byte, steps that did not go as expected, and every
        failure verification names."""
        altered = sum(a.planned.document is not None and not a.document_intact for a in self.applied)
        return altered + sum(not r.as_expected for r in self.results) + self.verified.surprises


def shared_model(runs: Sequence[StackRun]) -> AccessModel:
    """The model every stack reads (each stack deploys one account's side of the same model)."""
    models = [load_stack(run.config.values, PROJECT_DIR, run.config.secret_keys)[0] for run in runs]
    if any(model != models[0] for model in models[1:]):
        raise StacksDisagreeError(f"stacks {', '.join(r.config.stack for r in runs)} read different access models")
    return models[0]


def rehearse(configs: Sequence[StackConfig], transcript: Transcript) -> Rehearsal:
    """Apply the stacks of `configs` to a fresh emulator and play the tutorial's step 3, writing the transcript."""
    runs = [run_stack(config.stack, config=config) for config in configs]
    model = shared_model(runs)
    calls = [call for run in runs for call in plan_calls(run)]
    steps = plan(model)
    transcript.heading("Rehearsal of AWS's IAM tutorial \"Delegate access across AWS accounts using IAM roles\", "
                       "step 3, against an emulated AWS")
    with start_emulator() as emulator:
        transcript.heading(f"moto {version('moto')} at {emulator.endpoint}, authorisation off: the tutorial's "
                           f"prerequisites")
        for line in prerequisites.create(emulator, model):
            transcript.line(line)
        transcript.heading(f"Stacks {', '.join(c.stack for c in configs)}: the program's resources, applied "
                           f"with boto3 in their accounts")
        applied = apply(emulator, calls)
        for item in applied:
            transcript.applied(item)
        transcript.heading("Not checked by the emulator")
        for line in not_checked(applied):
            transcript.line(line)
        set_aside_bucket_policies(emulator, applied)
        auditors = create_auditors(emulator, model)
        context = Context(emulator, prerequisites.issue_access_keys(emulator, model))
        emulator.enable_authorisation()
        transcript.heading("Step 3, authorisation on: the users sign in with their own access keys")
        results = []
        for step in steps:
            results.append(run_step(step, context))
            transcript.result(results[-1])
        verified = verify_rehearsal(emulator, configs, auditors, applied)
        transcribe(verified, transcript)
    rehearsal = Rehearsal(tuple(applied), tuple(results), verified)
    transcript.summary(rehearsal.checks, rehearsal.surprises)
    return rehearsal
