#!/usr/bin/env python3
"""Fills a herd-controller SQLite store (schema already migrated) with synthetic state:
hosts, anti-affinity server groups of five members on five distinct hosts, ACTIVE servers
and one request id per create. Used by restart-bench.sh."""
import argparse
import sqlite3
import uuid

parser = argparse.ArgumentParser()
parser.add_argument("db")
parser.add_argument("--hosts", type=int, default=10000)
parser.add_argument("--servers", type=int, default=100000)
parser.add_argument("--group-size", type=int, default=5)
args = parser.parse_args()

db = sqlite3.connect(args.db)
now_ms = 1767225600000
hosts = []
with db:
    for i in range(args.hosts):
        hid = str(uuid.UUID(int=i + 1))
        hosts.append(hid)
        db.execute("INSERT INTO hosts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (hid, "host%05d" % i, "rack%03d" % (i // 40), "zone%d" % (i % 3), "10.%d.%d.%d:7701" %
                    (i // 65536, (i // 256) % 256, i % 256), 96, 524288, 4000, 4000, 0, 512, 0, 4.0, 1.0,
                    0, 0, 0, "ACCELERATION_KVM", "0.1.0", 1, "", now_ms))
    groups = args.servers // args.group_size
    server = 0
    for g in range(groups):
        gid = str(uuid.UUID(int=(1 << 64) + g))
        db.execute("INSERT INTO server_groups VALUES (?,?,?,?,?,?)",
                   (gid, "group%06d" % g, "ANTI_AFFINITY", "HOST", 1, now_ms))
        ids = []
        for m in range(args.group_size):
            sid = str(uuid.UUID(int=(2 << 64) + server))
            host = hosts[(g + m * (len(hosts) // args.group_size)) % len(hosts)]
            db.execute("INSERT INTO servers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (sid, "group%06d-%d" % (g, m + 1), gid, host, "ACTIVE", "", 2, 4096, 20,
                        "debian-12.qcow2", "", "req-%06d" % g, now_ms, now_ms))
            ids.append(sid)
            server += 1
        db.execute("INSERT INTO create_requests VALUES (?,?,?)", ("req-%06d" % g, ",".join(ids), now_ms))
db.close()
print("hosts=%d groups=%d servers=%d" % (args.hosts, groups, server))
