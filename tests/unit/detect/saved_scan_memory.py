#!/usr/bin/env python3
"""A saved scan cannot make `portsweep detect --from` allocate far more than
its own size: 200 hosts x ports="1-65535" (44 KB of XML; 13 million results
once expanded, ~400 MB as it used to be read) is handled with a peak RSS at
most BOUND_MB above the same command on a one-host file. The ports are all
closed, so nothing is probed; the command runs in a network namespace of its
own when unshare allows it, so it could not reach anything anyway."""
import os
import resource
import shutil
import subprocess
import sys
import tempfile

BOUND_MB = 16
BIN = os.environ["PORTSWEEP_BIN"]


def saved_scan(hosts):
    rows = []
    for i in range(hosts):
        rows.append(
            '<host starttime="1795288180"><address addr="198.19.%d.%d" addrtype="ipv4"/><ports>'
            '<extraports state="closed" count="65535"><extrareasons reason="reset" count="65535" proto="tcp" '
            'ports="1-65535"/></extraports></ports></host>' % (i // 250, i % 250 + 1))
    return '<?xml version="1.0"?>\n<nmaprun start="1795288180">\n' + "\n".join(rows) + "\n</nmaprun>\n"


def main():
    isolate = ["unshare", "-rn"] if shutil.which("unshare") and subprocess.run(
        ["unshare", "-rn", "true"], capture_output=True).returncode == 0 else []
    with tempfile.TemporaryDirectory() as work:
        peaks = {}
        # The small file first: RUSAGE_CHILDREN keeps the largest child so far.
        for name, hosts in (("one", 1), ("many", 200)):
            path = os.path.join(work, name + ".xml")
            with open(path, "w") as f:
                f.write(saved_scan(hosts))
            run = subprocess.run(isolate + [BIN, "detect", "--from", path, "-oN", os.path.join(work, name + ".nmap")],
                                 capture_output=True, text=True, timeout=120)
            if run.returncode != 0:
                print("FAIL: detect --from %s exited %d: %s" % (name, run.returncode, run.stderr))
                return 1
            peaks[name] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
            size_kb = os.path.getsize(path) / 1024.0
            print("%-4s %3d hosts, %6.1f KB of XML: peak RSS so far %.1f MB" % (name, hosts, size_kb, peaks[name]))
        with open(os.path.join(work, "many.nmap")) as f:
            folded = f.read().count("Not shown: 65535 closed tcp ports (reset)")
        if folded != 200:
            print("FAIL: the report folds %d hosts' 65535 closed ports, expected 200" % folded)
            return 1
    extra = peaks["many"] - peaks["one"]
    print("200 hosts x 65535 ports cost %.1f MB more than one host (bound %d MB)" % (extra, BOUND_MB))
    if extra > BOUND_MB:
        print("FAIL: over the bound")
        return 1
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
