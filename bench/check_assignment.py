#!/usr/bin/env python3
"""Recount hard violations of a final assignment against its workload (see bench/README.md).

usage: check_assignment.py WORKLOAD.json ASSIGNMENT.json
Prints the number of violations: hosts over vcpus x cpu ratio, memory x ram ratio or disk;
anti-affinity domains holding more than max_server_per_host members; affinity groups spanning
more than one domain. A blank rack or zone label makes the host a domain of its own.
"""
import json
import sys


def main():
    workload = json.load(open(sys.argv[1]))
    assignment = json.load(open(sys.argv[2]))
    hosts = {h["name"]: h for h in workload["hosts"]}
    groups = {g["name"]: g for g in workload["groups"]}
    requests = {r["name"]: r for r in workload["requests"]}
    used, members = {}, {}
    for server, host in assignment.items():
        r = requests[server]
        u = used.setdefault(host, [0, 0, 0])
        u[0] += r["vcpus"]
        u[1] += r["memory_mib"]
        u[2] += r["disk_gib"]
        if r.get("group"):
            g = groups[r["group"]]
            scope = g.get("scope") or "host"
            label = hosts[host].get(scope) if scope != "host" else None
            domain = (scope, label) if label else ("host", host)
            per = members.setdefault(g["name"], {})
            per[domain] = per.get(domain, 0) + 1
    violations = 0
    for host, u in used.items():
        h = hosts[host]
        if (u[0] > h["vcpus"] * workload["cpu_allocation_ratio"]
                or u[1] > h["memory_mib"] * workload["ram_allocation_ratio"] or u[2] > h["disk_gib"]):
            violations += 1
    for name, per in members.items():
        g = groups[name]
        if g["policy"] == "anti-affinity":
            limit = g.get("max_server_per_host", 1)
            violations += sum(1 for n in per.values() if n > limit)
        elif g["policy"] == "affinity" and len(per) > 1:
            violations += 1
    print(json.dumps({"assignment": sys.argv[2], "placed": len(assignment), "hard_violations": violations}))


if __name__ == "__main__":
    main()
