#!/bin/bash
# Samples the ceiling benchmark's emulator process (loadgen's CeilingServer) once a second: its /metrics gauges
# (running, waiting, successes, 429s), established TCP connections, accept queue, open descriptors, RSS.
# Usage: touch /tmp/sampling; emulator/src/test/sh/overload-sampler.sh /tmp/sampling > samples.txt &
#        (run the ceiling benchmark) ; rm /tmp/sampling     # stops when the file is gone
# Needs ss (iproute2), curl, pgrep. Used for emulator/README.md "Overload" (sixth session).
while [ -e "$1" ]; do
  for pid in $(pgrep -f 'bench.CeilingServer'); do
    port=$(ss -ltnpH 2>/dev/null | grep "pid=$pid," | awk '{print $4}' | sed 's/.*://' | head -1)
    [ -z "$port" ] && continue
    m=$(curl -s -m 0.8 http://127.0.0.1:$port/metrics | grep -E '^vllm:num_requests_(running|waiting)|^vllm:request_success_total|^capkit_emulator_rejected_total' | sed 's/{[^}]*}//' | awk '{printf "%s=%s ", $1, $2}')
    est=$(ss -tnH state established "( sport = :$port )" 2>/dev/null | wc -l)
    synq=$(ss -ltnH "( sport = :$port )" | awk '{print $2"/"$3}')
    fds=$(ls /proc/$pid/fd 2>/dev/null | wc -l)
    rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
    echo "$(date +%T.%N | cut -c1-12) srv=$pid est=$est acceptq=$synq fds=$fds rssKB=$rss $m"
  done
  sleep 1
done
