#!/usr/bin/env bash
# Packs the library, installs the tarball into a fresh folder with Express 4
# and 5, and uses it from CommonJS, ESM and TypeScript, as a user would.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/kompliant-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT

cd "$root"
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
echo "packed $tarball"

cp "$root/test/external/consumer.cjs" "$root/test/external/consumer.mjs" "$root/test/external/consumer.ts" \
  "$root/test/external/quickstart.mjs" "$work/"
cd "$work"
cat > package.json <<'JSON'
{ "name": "kompliant-consumer", "version": "1.0.0", "private": true }
JSON
npm install --no-audit --no-fund --loglevel=error "./$tarball" express@^5 express4@npm:express@^4.21.2 \
  typescript@~5.9.3 @types/express@^5 @types/node@^20 >/dev/null

for major in express express4; do
  EXPRESS_MODULE=$major node consumer.cjs
  EXPRESS_MODULE=$major node consumer.mjs
  EXPRESS_MODULE=$major node quickstart.mjs "$root/README.md"
done

# The published types, as a TypeScript user compiles against them (CJS and ESM resolution).
npx tsc --noEmit --strict --module nodenext --moduleResolution nodenext --types node consumer.ts
cp consumer.ts consumer.mts
npx tsc --noEmit --strict --module nodenext --moduleResolution nodenext --types node consumer.mts
echo "smoke: packed tarball works from CommonJS, ESM and TypeScript on Express 4 and 5"
