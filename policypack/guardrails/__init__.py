"""The pack's rules, one module per family; imported as `guardrails` inside the pack process.

Modules import each other relatively, so the package reads the same whether the pack runs it (`guardrails`, with
the pack folder as `sys.path[0]`) or a test imports it from the repository.
"""
