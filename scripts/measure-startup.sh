#!/usr/bin/env bash
# Measures how long ./run.sh takes from launch until the api and the worker both answer
# /health with "ok" (each checks Redis, so all three are up). Prints seconds; stops the app.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
healthy() { curl -fsS --max-time 1 "$1/health" 2>/dev/null | grep -q '"status":"ok"'; }
answers() { curl -s --max-time 1 -o /dev/null "$1/alive"; }
# A previous run's services may still be stopping; measure only a cold start.
while answers http://localhost:5080 || answers http://localhost:5090; do sleep 0.5; done
start=$(date +%s%N)
./run.sh >"$log" 2>&1 &
runner=$!
for _ in $(seq 1 600); do
  if healthy http://localhost:5080 && healthy http://localhost:5090; then
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 )); echo "AppHost start to api+worker healthy: $((ms / 1000)).$(( (ms % 1000) / 100 )) s"
    kill -TERM "$runner"; wait "$runner" 2>/dev/null
    exit 0
  fi
  sleep 0.2
done
echo "not healthy within 120 s; log: $log" >&2
kill -TERM "$runner"; exit 1
