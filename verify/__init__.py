"""Live verification: what is deployed, read back from the accounts, judged against the model's intent.

`python -m verify` reads each stack's account read-only with boto3, builds the same Estate the preview builds
from the plan, runs the same analysis against the same intent, and compares every document the stacks manage
with what the program would deploy.
"""
