"""From planned resources to boto3 calls, without an emulator: accounts, parameters, and what is refused."""

from __future__ import annotations

import dataclasses

import pytest

from rehearsal.apply import UnsupportedResourceError, plan_calls


def with_resource(run, resource):
    return dataclasses.replace(run, resources=(*run.resources, resource))


def test_each_resource_goes_to_the_account_its_provider_is_pinned_to(prod_run, dev_run):
    assert {c.account_id for c in plan_calls(prod_run)} == {"999999999999"}
    assert {c.account_id for c in plan_calls(dev_run)} == {"111111111111"}


def test_documents_are_sent_as_the_very_strings_the_program_built(prod_run, dev_run):
    sent = {(c.resource.name, c.call.operation): c for c in plan_calls(prod_run) + plan_calls(dev_run)}
    role = sent[("UpdateApp-role", "create_role")]
    assert role.arguments["AssumeRolePolicyDocument"] is role.resource.inputs["assumeRolePolicy"]
    assert role.arguments["MaxSessionDuration"] == 3600 and isinstance(role.arguments["MaxSessionDuration"], int)
    deny = sent[("Testers-deny-assume-S3-role-in-production", "put_group_policy")]
    assert deny.arguments["PolicyDocument"] is deny.resource.inputs["policy"]
    block = sent[("productionapp-public-access-block", "put_public_access_block")]
    assert block.arguments == {"Bucket": "productionapp", "PublicAccessBlockConfiguration": {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}}


def test_a_resource_type_without_a_boto3_call_is_a_clear_error(prod_run):
    role = prod_run.named("aws:iam/role:Role", "UpdateApp-role")
    instance = dataclasses.replace(role, type="aws:ec2/instance:Instance", name="web", inputs={})
    with pytest.raises(UnsupportedResourceError, match=r"aws:ec2/instance:Instance 'web': no boto3 call"):
        plan_calls(with_resource(prod_run, instance))


def test_an_input_the_rehearsal_cannot_send_is_an_error_not_dropped(prod_run):
    role = prod_run.named("aws:iam/role:Role", "UpdateApp-role")
    inline = dataclasses.replace(role, name="Other", inputs={**role.inputs, "inlinePolicies": []})
    with pytest.raises(UnsupportedResourceError, match=r"'Other': input 'inlinePolicies' is not rehearsed"):
        plan_calls(with_resource(prod_run, inline))


def test_a_resource_without_an_account_pinned_provider_is_refused(prod_run):
    role = prod_run.named("aws:iam/role:Role", "UpdateApp-role")
    ambient = dataclasses.replace(role, name="Ambient", provider=None)
    with pytest.raises(UnsupportedResourceError, match="no explicit aws provider names its account"):
        plan_calls(with_resource(prod_run, ambient))
