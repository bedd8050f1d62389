#!/usr/bin/env bash
# The pack smoke test: packs the library and uses the tarball as users would.
#  - The tarball is at most 160 kB and holds only dist/ (code, types, schemas),
#    README.md, LICENSE and package.json; only /rate-limit names express-rate-limit.
#  - public-api.json still lists what src/*/index.ts export (public-api.mjs).
#  - A consumer with Express 5, Express 4 (as express4) and express-rate-limit
#    (@types/express comes from the peer install only) loads every entry point
#    from CommonJS and ESM with exactly the listed run-time exports, compiles
#    every listed name with tsc (strict, NodeNext, no skipLibCheck), runs an
#    app over the subpaths and the README's quick start; the root loads fewer
#    than 34 modules and not express-rate-limit.
#  - A consumer without express-rate-limit (npm does not install optional
#    peers): the root works, /rate-limit fails with "npm install express-rate-limit".
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/test/external"
work=$(mktemp -d "${TMPDIR:-/tmp}/kompliant-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
max_bytes=160000

fail() {
  echo "smoke: FAIL: $*" >&2
  exit 1
}

cd "$root"
node "$here/public-api.mjs"
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
bytes=$(wc -c <"$work/$tarball" | tr -d ' ')
echo "packed $tarball: $(awk "BEGIN { printf \"%.1f\", $bytes / 1000 }") kB ($bytes bytes; at most $((max_bytes / 1000)) kB)"
((bytes <= max_bytes)) || fail "the tarball is $bytes bytes, more than $max_bytes"
stray=$(tar -tzf "$work/$tarball" | grep -Ev '^package/(package\.json|README\.md|LICENSE|dist/(cjs|esm)/.+\.(js|d\.ts)|dist/(cjs|esm)/package\.json|dist/schemas/[a-z-]+\.json)$' || true)
[[ -z $stray ]] || fail "the tarball holds files it should not: $stray"
tar -xzf "$work/$tarball" -C "$work"
peer_users=$(grep -rl "express-rate-limit" "$work/package/dist" | sed "s|^$work/package/||" | grep -Ev '^dist/(cjs|esm)/rate-limit/' || true)
[[ -z $peer_users ]] || fail "files outside /rate-limit name express-rate-limit: $peer_users"

# consumer_at DIR PACKAGES…: a fresh project in DIR with the tarball and PACKAGES installed.
consumer_at() {
  local dir=$1
  shift
  mkdir "$dir"
  cp "$here"/{public-api.json,type-imports.mjs,consumer.cjs,consumer.mjs,consumer.ts,quickstart.mjs,root-load.cjs,root-load.mjs,missing-peer.mjs} "$dir/"
  echo '{ "name": "kompliant-consumer", "version": "1.0.0", "private": true }' >"$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "$work/$tarball" "$@" >/dev/null)
}

echo "== consumer with express-rate-limit"
consumer_at "$work/full" express@^5 express4@npm:express@^4.21.2 express-rate-limit@^8 typescript@~5.9.3 @types/node@^20
cd "$work/full"
[[ -f node_modules/@types/express/package.json ]] || fail "npm did not install the peer @types/express"
! grep -q '@types/express' package.json || fail "@types/express must come from the peer install, not from the consumer"
echo "@types/express $(node -p "require('@types/express/package.json').version") from the peer install"
node root-load.cjs
node root-load.mjs
for major in express express4; do
  EXPRESS_MODULE=$major node consumer.cjs
  EXPRESS_MODULE=$major node consumer.mjs
  EXPRESS_MODULE=$major node quickstart.mjs "$root/README.md"
done
# The published types, as a TypeScript user compiles against them, with CJS (.ts) and ESM (.mts) resolution.
node type-imports.mjs
cp consumer.ts consumer.mts
npx tsc --noEmit --strict --module nodenext --moduleResolution nodenext --types node consumer.ts consumer.mts exports.ts exports.mts
echo "types ok: every listed export of every entry point, strict, NodeNext, no skipLibCheck"

echo "== consumer without express-rate-limit"
consumer_at "$work/bare"
cd "$work/bare"
[[ ! -e node_modules/express-rate-limit ]] || fail "npm installed the optional peer express-rate-limit"
node root-load.cjs
node root-load.mjs
node missing-peer.mjs
echo "smoke: packed tarball works from CommonJS, ESM and TypeScript on Express 4 and 5, with and without express-rate-limit"
