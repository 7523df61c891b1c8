#!/usr/bin/env bash
# Checks openapi/openapi.json for integrators who generate clients: Redocly's lint with the rules of
# openapi/tools/redocly.yaml, then TypeScript types generated from it with openapi-typescript, against
# which openapi/tools/client/place_order.ts (sign in, place an order, pay) must type-check.
# The tools are the versions pinned in openapi/tools/package-lock.json, installed with `npm ci` into
# openapi/tools/node_modules only when that lock changed, so later runs need no network.
#   scripts/api-check.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tools=$root/openapi/tools
document=$root/openapi/openapi.json
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

for command in node npm; do
  command -v "$command" >/dev/null || { echo "api-check: $command is missing; run scripts/install-deps.sh" >&2; exit 1; }
done

stamp=$tools/node_modules/.installed-lock.sha256
lock_sum=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
  (cd "$tools" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)
  echo "$lock_sum" > "$stamp"
fi
bin=$tools/node_modules/.bin

failed=()
echo "== lint: redocly lint $(realpath --relative-to="$root" "$document")"
"$bin/redocly" lint --config "$tools/redocly.yaml" "$document" || failed+=(lint)

echo "== client: openapi-typescript, then tsc --noEmit on client/"
rm -rf "$tools/generated"
{ "$bin/openapi-typescript" "$document" --output "$tools/generated/mercato.d.ts" &&
  "$bin/tsc" --noEmit -p "$tools/tsconfig.json"; } || failed+=(client)

echo "api: $(( 2 - ${#failed[@]} )) passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ] || { echo "api checks failed: ${failed[*]}" >&2; exit 1; }
