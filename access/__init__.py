"""The access model: what the config means (accounts, roles, grants, groups), its validation, and the IAM
documents and sign-in instructions derived from it by pure functions. Nothing here talks to Pulumi or AWS."""
