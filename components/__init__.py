"""Pulumi components, one module per side of the trust: `trusting_account` (the role, its policy and the
bucket it reaches) and `trusted_account` (the groups allowed or denied the role), plus the pinned providers
and the reading of stack config they all start from."""
