"""Synthetic access models with N trust relationships, written as a Pulumi project the preview can run.

N counts (group, role) pairs where the group may assume the role: R roles spread over trusting accounts,
G groups over trusted accounts, every group allowed every role (R × G = N, R the largest divisor of N not
above √N, so both grow as √N). Every role trusts every trusted account; every third requires MFA, every
fourth an ExternalId; each trusted account also has an "Auditors" group holding PowerUserAccess and denied
every role (the tutorial's Testers), so the access matrix has refusals to evaluate as well.

    python benchmarks/synthetic.py 1000 /tmp/s1000   # prints the stack names, then:
    python -m preview --project-dir /tmp/s1000 --policy-config /tmp/s1000/policy-config.json

The grid (`--grid R G`) is the other shape: R roles and G groups of one member each, group j allowed only role
j mod R, so the analysis faces R x G (user, role) questions with only G relationships (1000 x 1000: a million).
"""

from __future__ import annotations

import json
import math
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
ROLES_PER_ACCOUNT = 5
GROUPS_PER_ACCOUNT = 10
GRID_PER_ACCOUNT = 250  # roles or groups per account in the grid: few stacks, each with many resources
POWER_USER = "arn:aws:iam::aws:policy/PowerUserAccess"
POLICY_CONFIG = "policy-config.json"


def shape(n: int) -> tuple[int, int]:
    """(roles, groups) with roles × groups = n, as square as n allows."""
    roles = max(d for d in range(1, math.isqrt(n) + 1) if n % d == 0)
    return roles, n // roles


def _account(prefix: str, kind: str, index: int) -> dict[str, str]:
    return {"name": f"{kind}-{index:02d}", "id": f"{prefix}{index:010d}", "region": "us-east-1"}


def _accounts(role_count: int, group_count: int, roles_per_account: int, groups_per_account: int
              ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    return ([_account("90", "trusting", i) for i in range(math.ceil(role_count / roles_per_account))],
            [_account("10", "trusted", i) for i in range(math.ceil(group_count / groups_per_account))])


def _roles(role_count: int, trusting: list[dict[str, str]], trusted: list[dict[str, str]], per_account: int
           ) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Roles (every one trusting every trusted account) and the bucket each is granted."""
    roles, buckets = [], []
    for i in range(role_count):
        name, account = f"Role{i:03d}", trusting[i // per_account]["name"]
        buckets.append({"name": f"synthetic-bucket-{i:03d}", "account": account})
        role: dict[str, Any] = {
            "name": name, "account": account, "trustedAccounts": [a["name"] for a in trusted],
            "grants": [{"bucket": f"synthetic-bucket-{i:03d}", "access": "read-write" if i % 2 else "read-only"}],
        }
        if i % 3 == 2:
            role["requireMfa"] = True
        if i % 4 == 3:
            role["externalIdSecret"] = f"role{i:03d}ExternalId"
        roles.append(role)
    return roles, buckets


def _auditors(trusted: list[dict[str, str]], role_names: list[str]) -> list[dict[str, Any]]:
    """Per trusted account, the tutorial's Testers: PowerUserAccess, and every role denied."""
    return [{"name": f"Auditors{k:02d}", "account": account["name"], "denyAssume": role_names,
             "members": [f"auditor{k:02d}"], "managedPolicyArns": [POWER_USER]} for k, account in enumerate(trusted)]


def model(n: int) -> dict[str, Any]:
    """The raw access model (as in access-model.yaml) with n trust relationships."""
    role_count, group_count = shape(n)
    trusting, trusted = _accounts(role_count, group_count, ROLES_PER_ACCOUNT, GROUPS_PER_ACCOUNT)
    roles, buckets = _roles(role_count, trusting, trusted, ROLES_PER_ACCOUNT)
    role_names = [r["name"] for r in roles]
    groups = [{"name": f"Group{j:03d}", "account": trusted[j // GROUPS_PER_ACCOUNT]["name"], "canAssume": role_names,
               "members": [f"user{j:03d}"]} for j in range(group_count)]
    return {"accounts": trusting + trusted, "buckets": buckets, "roles": roles,
            "groups": groups + _auditors(trusted, role_names)}


def grid(role_count: int, group_count: int) -> dict[str, Any]:
    """`role_count` roles and `group_count` one-member groups, group j allowed only role j mod `role_count`."""
    trusting, trusted = _accounts(role_count, group_count, GRID_PER_ACCOUNT, GRID_PER_ACCOUNT)
    roles, buckets = _roles(role_count, trusting, trusted, GRID_PER_ACCOUNT)
    groups = [{"name": f"Group{j:03d}", "account": trusted[j // GRID_PER_ACCOUNT]["name"],
               "canAssume": [roles[j % role_count]["name"]], "members": [f"user{j:03d}"]} for j in range(group_count)]
    return {"accounts": trusting + trusted, "buckets": buckets, "roles": roles,
            "groups": groups + _auditors(trusted, [r["name"] for r in roles])}


def write_project(n: int, directory: Path, grid_shape: tuple[int, int] | None = None) -> list[str]:
    """A project in `directory` (the repository's program, a synthetic model, one stack per account), and a
    policy-config.json: the repository's, with the synthetic accounts as every allowlist of accounts.

    Returns the stack names. ExternalIds are `secure:` values, which the offline config reader replaces by
    one placeholder: every stack then agrees on them, as real stacks sharing a secret would.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(REPO / name, directory / name)
    raw = grid(*grid_shape) if grid_shape else model(n)
    (directory / "access-model.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))
    secrets = {r["externalIdSecret"]: {"secure": "v1:synthetic"} for r in raw["roles"] if "externalIdSecret" in r}
    policy_config = json.loads((REPO / "policypack" / POLICY_CONFIG).read_text())
    for rule in policy_config.values():  # every allowlist of the pack's rules: the synthetic accounts
        if isinstance(rule, dict) and "allowedAccountIds" in rule:
            rule["allowedAccountIds"] = [a["id"] for a in raw["accounts"]]
    (directory / POLICY_CONFIG).write_text(json.dumps(policy_config, indent=2))
    stacks = []
    for account in raw["accounts"]:
        config = {"cross-account-access:account": account["name"],
                  **{f"cross-account-access:{key}": value for key, value in secrets.items()}}
        (directory / f"Pulumi.{account['name']}.yaml").write_text(yaml.safe_dump({"config": config}))
        stacks.append(account["name"])
    return stacks


if __name__ == "__main__":
    if sys.argv[1] == "--grid":
        print(" ".join(write_project(0, Path(sys.argv[4]), (int(sys.argv[2]), int(sys.argv[3])))))
    else:
        print(" ".join(write_project(int(sys.argv[1]), Path(sys.argv[2]))))
