"""Prints firewall rules as a table.

Reads, on standard input, the JSON of `terraform output -json <name>` where
the output is a map from firewall name to a `rules` list (as the data source
`cumulocity_firewall_rules` and the resource `cumulocity_firewall` give it).
"""

import json
import sys


def ports(rule):
    if rule["protocol"] == "all":
        return "all"
    if rule["protocol"] in ("icmp", "icmpv6"):
        return f"type {rule['from_port']} code {rule['to_port']}"
    if rule["from_port"] == rule["to_port"]:
        return str(rule["from_port"])
    return f"{rule['from_port']}-{rule['to_port']}"


def peer(rule):
    if rule.get("self"):
        return "self"
    return rule.get("cidr_ipv4") or rule.get("cidr_ipv6") or rule.get("referenced_security_group_id") or "?"


def main():
    firewalls = json.load(sys.stdin)
    # A resource's rules are a set, in no particular order: sort them as the
    # data source does (ingress first, then protocol, ports, peer).
    for name in firewalls:
        firewalls[name] = sorted(
            firewalls[name],
            key=lambda r: (r["direction"] != "ingress", r["protocol"], r["from_port"], r["to_port"], peer(r)),
        )
    header = ("firewall", "id", "direction", "protocol", "ports", "peer", "rule sets", "description")
    rows = []
    for name, rules in firewalls.items():
        for rule in rules:
            rows.append(
                (
                    name,
                    rule.get("id") or "",
                    rule["direction"],
                    rule["protocol"],
                    ports(rule),
                    peer(rule),
                    ",".join(rule["rule_sets"]) or "(extra)",
                    rule.get("description") or "",
                )
            )
    # The id column exists only for groups that AWS holds.
    columns = [i for i in range(len(header)) if i != 1 or any(r[1] for r in rows)]
    widths = {i: max(len(str(x[i])) for x in rows + [header]) for i in columns}

    def line(cells):
        return "  ".join(str(cells[i]).ljust(widths[i]) for i in columns).rstrip()

    print(line(header))
    print(line(tuple("-" * widths.get(i, 0) for i in range(len(header)))))
    for row in rows:
        print(line(row))
    counts = {}
    for row in rows:
        counts[row[0]] = counts.get(row[0], 0) + 1
    print()
    print(", ".join(f"{name}: {n} rules" for name, n in counts.items()))


if __name__ == "__main__":
    main()
