"""Pulumi's own machinery, run offline: stack config as the CLI reads it, the program under the SDK's
mock runtime, and the policy pack over the analyzer gRPC protocol."""
