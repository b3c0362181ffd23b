"""TCP/IP stack personalities of the lab's hosts: the ONE definition.

OS detection (nmap -O, portsweep -O) and the passive OS hint read a host's
stack from what it sends: initial TTL, TCP options and their order, windows,
window scale, DF, IP IDs, ECN.  Every lab host is the same Linux kernel, so
the LAN hosts get different personalities from the sysctls that kernel keeps
per network namespace (checked on 6.18: each LAN host is its own namespace
and each value below holds there alone):

  net.ipv4.ip_default_ttl      initial TTL of everything the host sends
                               (TCP, ICMP echo replies, ICMP errors)
  net.ipv4.tcp_timestamps      0: no TS option; the SYN-ACK window is then
                               a multiple of 1460 instead of 1448
  net.ipv4.tcp_window_scaling  0: no WS option
  net.ipv4.tcp_sack            0: no SACK-permitted option
  net.ipv4.tcp_ecn             0: an ECN SYN (CWR+ECE) gets a plain SYN-ACK;
                               2 (the default) and 1: one with ECE
  net.ipv4.tcp_rmem            min default max: the default sizes the
                               SYN-ACK's window, the max (with the global
                               net.core.rmem_max) its window scale
  advmss                       not a sysctl: the route metric of the host's
                               connected route (`ip route … advmss N`), the
                               MSS its SYN-ACKs offer (default: the MTU's,
                               1460); the window is then a multiple of it

Not a knob on this kernel, though per-netns: net.ipv4.ip_no_pmtu_disc.  With
it set (and even with the route's MTU locked) 6.18's SYN-ACKs and resets
still carry DF and IP ID 0; only an established connection's segments lose
DF, which OS detection never sees.  ICMP echo stays answered everywhere
(icmp_echo_ignore_all would change what host discovery finds on the LAN).

The class-B's hosts (198.19.0.0/16) are all the target namespace's one
kernel: personality `target`, the namespace's defaults (scripts/lab changes
no sysctl of these there).  Used by population.py (`truth --os`, `lan`) and,
through it, by scripts/lab (`up` writes the values into each namespace).
"""

# The target namespace's defaults, as `sysctl` prints them (kernel 6.18).
DEFAULTS = {
    "net.ipv4.ip_default_ttl": "64",
    "net.ipv4.tcp_timestamps": "1",
    "net.ipv4.tcp_window_scaling": "1",
    "net.ipv4.tcp_sack": "1",
    "net.ipv4.tcp_ecn": "2",
    "net.ipv4.tcp_rmem": "4096 131072 33554432",
    "advmss": "1460",
}

# name: (what it resembles, the sysctls it changes from DEFAULTS)
PERSONALITIES = {
    "target": ("the class-B's kernel, untouched", {}),
    "linux": ("a stock Linux host", {}),
    "ttl128": ("a Windows-like TTL, no timestamps, no ECN",
               {"net.ipv4.ip_default_ttl": "128", "net.ipv4.tcp_timestamps": "0",
                "net.ipv4.tcp_ecn": "0"}),
    "ttl255": ("a router-like TTL, neither SACK nor window scaling",
               {"net.ipv4.ip_default_ttl": "255", "net.ipv4.tcp_sack": "0",
                "net.ipv4.tcp_window_scaling": "0"}),
    "no-timestamps": ("Linux without TCP timestamps",
                      {"net.ipv4.tcp_timestamps": "0"}),
    "no-ecn-sack": ("Linux without ECN or SACK",
                    {"net.ipv4.tcp_ecn": "0", "net.ipv4.tcp_sack": "0"}),
    "mss1400": ("an MSS of 1400 (a tunnel's), no window scaling",
                {"advmss": "1400", "net.ipv4.tcp_window_scaling": "0"}),
    "small-window": ("small receive buffers: a small SYN-ACK window",
                     {"net.ipv4.tcp_rmem": "4096 8192 65536"}),
    "ttl128-big": ("TTL 128, the largest window (65535) and window scale (14)",
                   {"net.ipv4.ip_default_ttl": "128",
                    "net.ipv4.tcp_rmem": "4096 262144 1073741824"}),
}

# The short names `truth --os` prints, in this order.
SHORT = (
    ("ttl", "net.ipv4.ip_default_ttl"),
    ("timestamps", "net.ipv4.tcp_timestamps"),
    ("window_scaling", "net.ipv4.tcp_window_scaling"),
    ("sack", "net.ipv4.tcp_sack"),
    ("ecn", "net.ipv4.tcp_ecn"),
    ("rmem", "net.ipv4.tcp_rmem"),
    ("advmss", "advmss"),
)


def sysctls(name):
    """Every sysctl of personality NAME, {key: value} (DEFAULTS overlaid)."""
    values = dict(DEFAULTS)
    values.update(PERSONALITIES[name][1])
    return values


def changed_sysctls(name):
    """{key: value} of the sysctls NAME changes (advmss left out)."""
    return {k: v for k, v in PERSONALITIES[name][1].items() if k.startswith("net.")}


def advmss(name):
    """The advmss route metric NAME sets, or None (the MTU's)."""
    return PERSONALITIES[name][1].get("advmss")


def describe(name):
    """`NAME ttl=64 timestamps=1 ... rmem=4096,131072,33554432`."""
    values = sysctls(name)
    return name + "".join(f" {short}={values[key].replace(' ', ',')}" for short, key in SHORT)
