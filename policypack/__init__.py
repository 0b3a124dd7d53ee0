"""The `cross-account-guardrails` policy pack folder, importable from the repository as `policypack`.

The pack process runs `python -u policypack/` with this folder as `sys.path[0]`, so inside the pack its packages
are top-level (`iameval`, `guardrails`); the preview and live verification import the very same engine as
`policypack.iameval`. One copy of the engine, shipped with the pack by `pulumi policy publish`.
"""
