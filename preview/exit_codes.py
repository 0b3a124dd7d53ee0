"""The preview's exit codes, in a module of their own so the command line can use them before heavy imports."""

OK = 0  # no mandatory violation, every access cell as the model intends
FAILED = 1  # a mandatory violation or a wrong cell, each named in the output
BROKEN = 2  # no preview possible: a stack's program failed on its config, or the policy pack could not run
