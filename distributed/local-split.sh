#!/usr/bin/env bash
# Local distributed mode: one standalone emulator, N injector JVMs (mvn gatling:test) each sending its
# share (-Dcapkit.injector=i/N) from one common start instant (-Dcapkit.startAt), then ./capkit merge.
#
#   distributed/local-split.sh --injectors 3 [--port 8711] [--tier gn7e-c16g1.4xlarge] [--profile instant]
#       [--target URL (skip the emulator)] [--out DIR] [--lead-seconds 25] -- -Dcapkit.scenario=quickstart -Dcapkit.qps=30 ...
#
# Prints the merged run folder. Injector logs: DIR/injector-<i>.log; runs: DIR/injector-<i>/<run id>.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=2 port=8711 tier=gn7e-c16g1.4xlarge profile=instant target="" lead=25
out="$root/target/capkit-split/$(date -u +%Y%m%dT%H%M%SZ)"
while [ $# -gt 0 ]; do
  case "$1" in
    --injectors) n=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --tier) tier=$2; shift 2 ;;
    --profile) profile=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --lead-seconds) lead=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "local-split: unknown option '$1'" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
emulator_pid=""
cleanup() { if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT
if [ -z "$target" ]; then
  "$root/capkit" emulator --tier "$tier" --profile "$profile" --port "$port" >"$out/emulator.log" 2>&1 &
  emulator_pid=$!
  target="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    curl -sf "$target/v1/models" >/dev/null 2>&1 && break
    sleep 0.5
  done
fi
# Build once, then run every injector as a plain JVM on the same class path: N concurrent
# `mvn gatling:test` would each re-run the compile phases in the same target/ folders and race
# (an injector then fails with ClassNotFoundException). The JVM flags are the ones the simulations
# pom gives Gatling.
cp_file="$root/simulations/target/split-classpath.txt"
(cd "$root" && mvn -q -o -B -Dstyle.color=never -pl simulations -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/split-classpath.txt -Dmdep.includeScope=test) >"$out/build.log" 2>&1
classpath="$root/simulations/target/test-classes:$root/simulations/target/classes:$(cat "$cp_file")"
start_at=$(( $(date +%s%3N) + lead * 1000 ))
pids=()
for i in $(seq 0 $((n - 1))); do
  (cd "$root" && java -Xmx2G -XX:+ExitOnOutOfMemoryError --add-opens=java.base/java.lang=ALL-UNNAMED \
      -Dcapkit.scenariosDir="$root/scenarios" -Dcapkit.target="$target" -Dcapkit.injector="$i/$n" \
      -Dcapkit.startAt="$start_at" -Dcapkit.resultsDir="$out/injector-$i" \
      -Dcapkit.gatlingResultsDir="$out/gatling-$i" "$@" -cp "$classpath" \
      io.gatling.app.Gatling -s dev.capkit.simulations.CapkitSimulation -rf "$out/gatling-$i") >"$out/injector-$i.log" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { echo "local-split: injector $i/$n exited non-zero; see $out/injector-$i.log" >&2; failed=1; }
done
runs=()
for i in $(seq 0 $((n - 1))); do
  runs+=("$(ls -d "$out/injector-$i"/*/ | head -1)")
done
"$root/capkit" merge "${runs[@]}" --out "$out/merged"
echo "$out/merged"
exit $failed
