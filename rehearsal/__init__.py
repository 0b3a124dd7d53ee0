"""The tutorial's step 3 done for real against an AWS emulator (moto), as David and as Theresa.

`python -m rehearsal` applies both stacks' resources, as the program builds them, to moto's server on
127.0.0.1 and then signs in as the tutorial's users with the AWS SDK. It complements the offline preview:
the emulator enforces identity policies (the Allow for Developers, the Deny for Testers, the role's grants),
and the transcript names the checks it cannot make, for which the preview's access matrix is the authority.
"""
