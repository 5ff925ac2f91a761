#!/usr/bin/env bash
# The committed contract (openapi/openapi.json) against the last released one (the highest
# version in openapi/released/), with Optic (pinned in package.json): fails on a breaking
# change (an operation, a response, a property or an enum value removed; a request made
# stricter) unless the major version (`info.version`, the `/vN` of the paths) changed.
# Release a version: cp openapi/openapi.json "openapi/released/$(jq -r .info.version openapi/openapi.json).json"
set -euo pipefail
cd "$(dirname "$0")/.."
export SCARF_ANALYTICS=false
current=openapi/openapi.json
released=$(ls openapi/released/*.json | sort -V | tail -n 1)
major() { node -e 'console.log(require(process.argv[1]).info.version.split(".")[0])' "./$1"; }
if [ "$(major "$current")" != "$(major "$released")" ]; then
  echo "major version $(major "$released") → $(major "$current"): breaking changes allowed (a new /v$(major "$current") path)"
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error >/dev/null
echo "comparing $current with $released"
npx --no-install optic diff "$released" "$current" --check --severity error
