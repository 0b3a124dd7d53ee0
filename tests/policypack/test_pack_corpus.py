"""The mixed corpus through the protocol with the shipped config: every resource's mandatory verdict is its label."""

from __future__ import annotations

from mixed_corpus import mixed_corpus

from offline.analyzer import PolicyPackAnalyzer, load_policy_config, mandatory
from tests.policypack.conftest import PACK_DIR


def test_every_labelled_resource_gets_its_verdict(pack_process: PolicyPackAnalyzer) -> None:
    pack_process.configure(load_policy_config(PACK_DIR / "policy-config.json"))
    corpus = mixed_corpus()
    blocked = {violation.urn for violation in mandatory(pack_process.preview([item.resource for item in corpus]))}
    wrong = [f"{item.resource.name} ({item.why})" for item in corpus if (item.resource.urn in blocked) != item.blocked]
    assert wrong == []
    assert sum(item.blocked for item in corpus) >= 10 and sum(not item.blocked for item in corpus) >= 15
