#!/usr/bin/env bash
# Runs the whole of ReHome — Redis, the API, the worker and the Aspire dashboard — after
# installing what is missing (redis-server from apt where no container engine answers; Node.js and
# npm, which build the browser client).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

require_dotnet
ensure_redis
ensure_node

say "starting ReHome; dashboard at http://localhost:15180 (Ctrl+C stops everything)"
exec dotnet run --project ReHome.AppHost --launch-profile http -- "$@"
