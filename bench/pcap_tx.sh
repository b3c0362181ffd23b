#!/usr/bin/env bash
# The pcap backend's transmit rate on a veth between two throwaway namespaces
# (pio-a/pio-b, 198.18.7.0/24), for 1 and 2 TX queues, sendmmsg or
# pcap_inject, with and without PACKET_QDISC_BYPASS: 64-byte frames, ~3 s each.
#   sudo bench/pcap_tx.sh
set -euo pipefail
SRC=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
exec "${BUILD:-$SRC/build}/tests/unit/io/test_io_lab" --gtest_filter=IoLab.TxRate
