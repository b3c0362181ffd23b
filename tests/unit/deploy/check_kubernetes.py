#!/usr/bin/env python3
"""Checks deploy/kubernetes's manifests, which cannot run here (no cluster).

Static: every document parses; the shards' Job is an Indexed Job with
completions == parallelism == its SHARDS, restartPolicy Never, a container
that adds NET_RAW and NET_ADMIN, hostNetwork set, and a shared PVC that the
merge Job mounts too, with the same SHARDS.

Behaviour: each Job's shell script is run with /bin/sh against a fake
portsweep (fake_portsweep.sh) and a temporary directory standing in for the
volume: pod index 2 runs `--shard 3/N --seed S` in shard-3-of-N/ and
publishes shard-3-of-N.jsonl; a pod that finds portsweep.resume runs
`--resume portsweep.resume` and publishes the resumed outputs; the merge
Job passes every complete shard to `portsweep merge --from`.
Exits 1 with one line per problem.
"""
import os
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    sys.exit(f"check_kubernetes.py: {sys.executable} has no yaml module; scripts/setup installs python3-yaml")

HERE = os.path.dirname(os.path.realpath(__file__))
SRC = os.environ.get("PORTSWEEP_SOURCE_ROOT") or os.path.join(HERE, "..", "..", "..")
K8S = os.path.join(SRC, "deploy", "kubernetes")
FAKE = os.path.join(HERE, "fake_portsweep.sh")

problems = []


def check(ok, what):
    if not ok:
        problems.append(what)
    return ok


def load(name):
    with open(os.path.join(K8S, name)) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def env_of(container):
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def script_of(container):
    cmd = container.get("command", []) + container.get("args", [])
    check(cmd[:2] == ["/bin/sh", "-c"] and len(cmd) == 3, f"{container['name']}: expected command /bin/sh -c SCRIPT")
    return cmd[-1]


def run_script(script, volume, env):
    """Runs a pod's script with the volume at `volume` and fake portsweep."""
    bindir = os.path.join(volume, "..", "bin")
    os.makedirs(bindir, exist_ok=True)
    link = os.path.join(bindir, "portsweep")
    if not os.path.exists(link):
        os.symlink(FAKE, link)
    full_env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"],
                    FAKE_PORTSWEEP_LOG=os.path.join(volume, "..", "calls.log"), **env)
    return subprocess.run(["/bin/sh", "-c", script.replace("/results", volume)], env=full_env,
                          capture_output=True, text=True)


def content(path):
    """The file's text, or None if it does not exist."""
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return None


def calls(volume):
    path = os.path.join(volume, "..", "calls.log")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        lines = f.read().splitlines()
    os.remove(path)
    return lines


def main():
    docs = load("portsweep-indexed-job.yaml")
    pvcs = [d for d in docs if d.get("kind") == "PersistentVolumeClaim"]
    jobs = [d for d in docs if d.get("kind") == "Job"]
    check(len(pvcs) == 1 and len(jobs) == 1, "portsweep-indexed-job.yaml: expected one PVC and one Job")
    job = jobs[0]
    spec = job["spec"]
    pod = spec["template"]["spec"]
    check(job.get("apiVersion") == "batch/v1", "shards: apiVersion is not batch/v1")
    check(spec.get("completionMode") == "Indexed", "shards: completionMode is not Indexed")
    n = spec.get("completions")
    check(isinstance(n, int) and n >= 1, "shards: completions is not a positive number")
    check(spec.get("parallelism") == n, f"shards: parallelism {spec.get('parallelism')} != completions {n}")
    check(pod.get("restartPolicy") == "Never", "shards: restartPolicy is not Never (an Indexed Job retries by pod)")
    check(isinstance(pod.get("hostNetwork"), bool), "shards: hostNetwork is not set (true or false)")
    containers = pod["containers"]
    check(len(containers) == 1, "shards: expected one container")
    c = containers[0]
    caps = c.get("securityContext", {}).get("capabilities", {})
    check({"NET_RAW", "NET_ADMIN"} <= set(caps.get("add", [])), "shards: capabilities do not add NET_RAW and NET_ADMIN")
    env = env_of(c)
    check(env.get("SHARDS") == str(n), f"shards: SHARDS {env.get('SHARDS')} != completions {n}")
    check((env.get("SEED") or "").isdigit(), "shards: SEED is not a number")
    script = script_of(c)
    check("JOB_COMPLETION_INDEX" in script, "shards: the script does not use JOB_COMPLETION_INDEX")
    for token in ("--shard", "--seed", "--resume portsweep.resume", "-oJ", "-oX"):
        check(token in script, f"shards: the script does not pass {token}")
    claim = pvcs[0]["metadata"]["name"] if pvcs else None
    mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
    vols = {v["name"]: v.get("persistentVolumeClaim", {}).get("claimName") for v in pod.get("volumes", [])}
    check(any(vols.get(name) == claim and path == "/results" for name, path in mounts.items()),
          f"shards: the PVC {claim} is not mounted at /results")

    merge_docs = load("portsweep-merge-job.yaml")
    check(len(merge_docs) == 1 and merge_docs[0].get("kind") == "Job", "portsweep-merge-job.yaml: expected one Job")
    merge = merge_docs[0]
    mpod = merge["spec"]["template"]["spec"]
    mc = mpod["containers"][0]
    check(merge["spec"].get("completionMode", "NonIndexed") == "NonIndexed", "merge: expected one non-indexed pod")
    check(env_of(mc).get("SHARDS") == str(n), f"merge: SHARDS {env_of(mc).get('SHARDS')} != the shards' {n}")
    mvols = {v["name"]: v.get("persistentVolumeClaim", {}).get("claimName") for v in mpod.get("volumes", [])}
    check(any(mvols.get(m["name"]) == claim and m["mountPath"] == "/results" for m in mc.get("volumeMounts", [])),
          f"merge: the PVC {claim} is not mounted at /results")
    mscript = script_of(mc)
    check("portsweep merge --from" in mscript, "merge: the script does not run portsweep merge --from")
    if problems:
        return

    with tempfile.TemporaryDirectory() as top:
        vol = os.path.join(top, "results")
        os.makedirs(vol)
        base = {"SHARDS": str(n), "SEED": env["SEED"], "SCAN_ARGS": env["SCAN_ARGS"]}
        # Pod index 2, a fresh start.
        r = run_script(script, vol, dict(base, JOB_COMPLETION_INDEX="2"))
        log = calls(vol)
        check(r.returncode == 0, f"pod 2: the script failed: {r.stderr.strip()}")
        shard = f"shard-3-of-{n}"
        want = f"{vol}/{shard} {env['SCAN_ARGS']} --shard 3/{n} --seed {env['SEED']} -oJ scan.jsonl -oX scan.xml"
        check(log == [want], f"pod 2: ran {log}, expected [{want!r}]")
        check(content(os.path.join(vol, shard + ".jsonl")) == '{"fresh":1}\n', "pod 2: did not publish its scan.jsonl")
        # The same pod again: complete, nothing runs.
        r = run_script(script, vol, dict(base, JOB_COMPLETION_INDEX="2"))
        check(r.returncode == 0 and calls(vol) == [], "pod 2 again: ran portsweep for a complete shard")
        # Pod index 0, restarted after an eviction: it resumes.
        os.makedirs(os.path.join(vol, f"shard-1-of-{n}"))
        with open(os.path.join(vol, f"shard-1-of-{n}", "portsweep.resume"), "w") as f:
            f.write("resume\n")
        r = run_script(script, vol, dict(base, JOB_COMPLETION_INDEX="0"))
        log = calls(vol)
        check(r.returncode == 0, f"pod 0: the resuming script failed: {r.stderr.strip()}")
        check(log == [f"{vol}/shard-1-of-{n} --resume portsweep.resume"], f"pod 0: ran {log}, expected a resume")
        check(content(os.path.join(vol, f"shard-1-of-{n}.jsonl")) == '{"resumed":1}\n',
              "pod 0: did not publish the resumed run's outputs")
        # A failing scan publishes nothing and fails the pod.
        r = run_script(script, vol, dict(base, JOB_COMPLETION_INDEX="1", FAKE_PORTSWEEP_RC="1"))
        calls(vol)
        check(r.returncode != 0 and not os.path.exists(os.path.join(vol, f"shard-2-of-{n}.jsonl")),
              "pod 1: a failed scan did not fail the pod, or published its shard")
        # The merge: every complete shard (1 and 3 here).
        r = run_script(mscript, vol, {"SHARDS": str(n)})
        log = calls(vol)
        check(r.returncode == 0, f"merge: the script failed: {r.stderr.strip()}")
        want = f"{vol} merge --from shard-1-of-{n}.jsonl shard-3-of-{n}.jsonl -oA merged -oJ merged.jsonl"
        check(log == [want], f"merge: ran {log}, expected [{want!r}]")


if __name__ == "__main__":
    main()
    for p in problems:
        print("FAIL:", p)
    if not problems:
        print("ok   deploy/kubernetes: manifests parse, Indexed Job fields and pod scripts as expected")
    sys.exit(1 if problems else 0)
