#!/usr/bin/env bash
# Runs every ReHome test after installing what the tests need. Test results (TRX) go to
# TestResults/; extra arguments go to `dotnet test` (for example --filter).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

require_dotnet
ensure_redis
ensure_node
ensure_chromium
ensure_python_websockets

rm -rf TestResults
say "running the tests"
dotnet test ReHome.sln --logger "trx;LogFilePrefix=rehome" --results-directory TestResults "$@"
