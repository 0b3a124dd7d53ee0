"""Pulumi components with flat, typed inputs, usable by any Pulumi program (they know nothing of the access
model): `trusting_account` (the role, its policy and the buckets it reaches), `trusted_account` (the groups
allowed or denied a role, the account's users), `auditor` (the optional read-only role live verification reads
an account as), `providers` (one provider pinned per account) and `aliases` (keeping deployed children's state
across renames). `access.adapter` maps this project's model onto them."""
