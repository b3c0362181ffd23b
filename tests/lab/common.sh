# shellcheck shell=bash
# Sourced by the lab test scripts: locate the lab, require root, always tear
# the lab down on exit (also on failure), and check that down leaves nothing.
set -euo pipefail

SRC=${PORTSWEEP_SOURCE_ROOT:-$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)}
LAB="$SRC/scripts/lab"

if [[ $EUID -ne 0 ]]; then
    echo "SKIP: the lab needs root (network namespaces, nftables)"
    exit 77 # meson's "skipped"
fi

# One lab per machine: anything using it (tests, benchmarks, a developer's
# runs) holds this lock for the whole time the lab is up.
exec 9>/tmp/portsweep-lab.lock
flock 9

work=$(mktemp -d)
cleanup() {
    "$LAB" down || true
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# True if PID exists and is not a zombie (orphaned daemons are reaped by
# PID 1, not always at once).
alive() {
    local state
    state=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
    [[ -n $state && $state != Z ]]
}

# The namespaces the lab makes (scripts/lab's lab_namespaces).
LAB_NS_RE='^(ps-scan|ps-target|ps-lan|ps-lan-h[0-9]+|ps-rtr|ps-zombie|ps-ftp)$'

# Every process inside the lab's namespaces (to check they die with `down`).
lab_pids() {
    local ns
    for ns in $(ip netns list | awk '{ print $1 }' | grep -E "$LAB_NS_RE"); do
        ip netns pids "$ns"
    done
    return 0
}

# After `down`: no ps-* namespace, none of the given PIDs alive, no run dir.
assert_clean() {
    local pid left
    left=$(ip netns list | awk '{ print $1 }' | grep -E "$LAB_NS_RE" || true)
    [[ -z $left ]] || fail "namespaces left after down: $left"
    for pid in "$@"; do
        ! alive "$pid" || fail "process $pid survived down: $(ps -o args= -p "$pid")"
    done
    [[ ! -e /run/portsweep-lab ]] || fail "/run/portsweep-lab left after down"
    echo "ok   down left no namespace, process or run dir"
}
