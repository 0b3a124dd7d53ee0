"""The offline preview (`make preview`): what both stacks create, what the policy pack says of it, and who can
then do what across the accounts, without cloud credentials or the Pulumi CLI."""
