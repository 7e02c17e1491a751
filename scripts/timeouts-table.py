"""Prints a firewall's `listener_timeouts` (the JSON of `terraform output
-json <name>` on standard input) as one line per listener."""

import json
import sys


def main():
    for arn, timeout in sorted(json.load(sys.stdin).items()):
        parts = arn.split("/")
        name = f"{parts[-3]}/{parts[-1]}" if len(parts) >= 3 else arn
        reason = f"  ({timeout['reason']})" if timeout.get("reason") else ""
        print(f"{name}: {timeout['seconds']} s{reason}")


if __name__ == "__main__":
    main()
