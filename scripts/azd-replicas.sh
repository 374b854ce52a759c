#!/usr/bin/env sh
# azd postdeploy hook: sets the api's and the worker's replica counts from the azd environment
# (azd env set Replicas__api 3; azd env set Replicas__worker 2). azd's Aspire path (the manifest)
# deploys every container app with one minimum replica, whatever the AppHost's Replicas settings say.
# Does nothing when neither is set; needs the Azure CLI (az) when one is.
set -eu

scale() {
  app=$1
  count=$2
  [ -n "$count" ] || return 0
  case "$count" in
    *[!0-9]* | 0*) echo "error: Replicas__$app is '$count'; set it to a whole number of at least 1" >&2; exit 1 ;;
  esac
  if ! command -v az >/dev/null 2>&1; then
    echo "error: Replicas__$app is set and applying it needs the Azure CLI (az): https://aka.ms/azcli" >&2
    exit 1
  fi
  group="${AZURE_RESOURCE_GROUP:-rg-${AZURE_ENV_NAME:?AZURE_ENV_NAME is not set: run this as an azd hook}}"
  echo "==> $app: $count replicas (resource group $group)"
  az containerapp update --name "$app" --resource-group "$group" \
    --min-replicas "$count" --max-replicas "$count" --output none
}

scale api "${Replicas__api:-}"
scale worker "${Replicas__worker:-}"
