"""How a user of a trusted account reaches a role: the tutorial's step 3 (console, AWS CLI, API), ready to paste."""

from __future__ import annotations

from urllib.parse import urlencode

from access.model import AccessModel, Account, Role

SWITCH_ROLE_URL = "https://signin.aws.amazon.com/switchrole"
# A user's own name in the trusted account; the shell fills it in, the user need not edit the command.
USER = "${USER}"
# AWS's tutorial and "Switch to an IAM role (console)": the console cannot pass an ExternalId.
NO_CONSOLE_WITH_EXTERNAL_ID = ("no console link: this role's trust requires an ExternalId, which the console's "
                               "Switch Role cannot pass (AWS IAM User Guide, \"Switch to an IAM role (console)\"); "
                               "use cliProfile or assumeRoleCommand")


def switch_role_url(model: AccessModel, role: Role) -> str:
    """The console link that pre-fills the Switch Role form (role name includes its path, as the console wants)."""
    query = {
        "roleName": f"{role.path.lstrip('/')}{role.name}",
        "account": model.account(role.account).id,
        "displayName": f"{role.name}@{role.account}",
    }
    return f"{SWITCH_ROLE_URL}?{urlencode(query)}"


def mfa_serial(source: Account) -> str:
    """The MFA device ARN of the signed-in user, by AWS's default device naming."""
    return f"arn:aws:iam::{source.id}:mfa/{USER}"


def cli_profile(model: AccessModel, role: Role, source: Account, external_id: str | None = None) -> str:
    """An `~/.aws/config` profile that assumes the role from the source account's profile."""
    lines = [
        f"[profile {role.name}-{role.account}]",
        f"role_arn = {model.role_arn(role)}",
        f"source_profile = {source.profile}",
        f"region = {model.account(role.account).region}",
        f"duration_seconds = {role.max_session_duration}",
    ]
    if role.require_mfa:
        lines.append(f"mfa_serial = {mfa_serial(source)}")
    if external_id is not None:
        lines.append(f"external_id = {external_id}")
    return "\n".join(lines) + "\n"


def assume_role_command(model: AccessModel, role: Role, source: Account, external_id: str | None = None) -> str:
    """The `aws sts assume-role` call of the tutorial, the session named after user and role (`David-UpdateApp`)."""
    parts = [
        "aws sts assume-role",
        f"--role-arn {model.role_arn(role)}",
        f'--role-session-name "{USER}-{role.name}"',
        f"--profile {source.profile}",
    ]
    if role.require_mfa:
        parts.append(f'--serial-number "{mfa_serial(source)}" --token-code <code-from-your-MFA-device>')
    if external_id is not None:
        parts.append(f"--external-id {external_id}")
    return " ".join(parts)


def sign_in(model: AccessModel, role: Role, source: Account, external_id: str | None = None) -> dict[str, str]:
    """All three ways in for users of `source`: console link, CLI profile, and the assume-role call.

    A role whose trust requires an ExternalId gets no console link, and the output says why in its place: the
    console's Switch Role form has no ExternalId field, so the link would only lead to an access denied.
    """
    console = ({"switchRoleUrlOmitted": NO_CONSOLE_WITH_EXTERNAL_ID} if role.external_id_secret is not None
               else {"switchRoleUrl": switch_role_url(model, role)})
    return {
        **console,
        "cliProfile": cli_profile(model, role, source, external_id),
        "assumeRoleCommand": assume_role_command(model, role, source, external_id),
    }


def source_accounts(model: AccessModel, role: Role, stack_account: str) -> tuple[Account, ...]:
    """Whose users need sign-in help for `role` from this stack: all its trusted accounts where it is deployed,
    only the stack's own account where the stack is on the trusted side."""
    if role.account == stack_account:
        return tuple(model.account(a) for a in role.trusted_accounts)
    return (model.account(stack_account),)
