"""IAM policy evaluation: AWS's documented logic, stdlib only, shipped inside the policy pack.

Imported as `iameval` by the pack process (the pack folder is its sys.path[0]) and as `policypack.iameval`
from the repository, so every import inside is relative.
"""

from .evaluate import Caller, Decision, Request, Target, evaluate
from .policy import MAX_DEPTH, MAX_DOCUMENT_CHARS, Condition, Policy, PolicyError, Statement, parse_policy

__all__ = ["MAX_DEPTH", "MAX_DOCUMENT_CHARS", "Caller", "Condition", "Decision", "Policy", "PolicyError", "Request",
           "Statement", "Target", "evaluate", "parse_policy"]
