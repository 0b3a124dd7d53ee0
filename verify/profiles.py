"""`python -m verify.profiles`: an AWS config in which each stack's profile reads its account as the auditor.

The daily workflow has one identity (CI's OIDC role); verification needs one per account, and takes each
stack's credentials from its `profile`, exactly as the stack's provider does. So the workflow writes this
config: for every paired stack, its profile assumes that account's auditor role (`components/auditor.py`,
created where `auditorPrincipalArn` names CI's role), starting from the environment's credentials. A stack
with no `profile` uses the ambient credentials as they are, and is said on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from access.config import ConfigError, load_stack
from components.auditor import DEFAULT_ROLE_NAME
from verify.credentials import SESSION_NAME
from verify.errors import CannotVerifyError
from verify.stacks import paired_stacks

PROJECT_DIR = Path(__file__).resolve().parent.parent


def aws_config(project_dir: Path, role_name: str = DEFAULT_ROLE_NAME) -> tuple[str, list[str]]:
    """The config file's text, and one note per stack left on the ambient credentials."""
    sections, notes = [], []
    for config in paired_stacks(project_dir).configs:
        try:
            model, settings = load_stack(config.values, project_dir, config.secret_keys)
        except ConfigError as error:
            raise CannotVerifyError(f"stack {config.stack}: {error}") from error
        account = model.account(settings.account)
        if not settings.profile:
            notes.append(f"stack {config.stack} names no profile: it is read with the ambient credentials")
            continue
        sections.append(f"[profile {settings.profile}]\n"
                        f"role_arn = arn:aws:iam::{account.id}:role/{role_name}\n"
                        f"role_session_name = {SESSION_NAME}\n"
                        "credential_source = Environment\n"
                        f"region = {account.region}\n")
    return "\n".join(sections), notes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m verify.profiles", description=__doc__.splitlines()[0])
    parser.add_argument("--role-name", default=DEFAULT_ROLE_NAME, help=f"the auditor role ({DEFAULT_ROLE_NAME})")
    args = parser.parse_args(argv)
    try:
        text, notes = aws_config(PROJECT_DIR, args.role_name)
    except CannotVerifyError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    for note in notes:
        print(note, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
