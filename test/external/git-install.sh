#!/usr/bin/env bash
# The git-URL install, as the README tells a user to do it while the package
# is not on the registry: a scratch consumer in a temporary folder runs
#   npm install git+file://<this repository> express@^5 (and Express 4 as express4)
# npm clones the repository, installs its devDependencies and runs its
# `prepare` script, which builds dist/. The consumer then holds a built
# package (dist/ with both builds, no src/), and runs the README's quick start
# from CommonJS and ESM on Express 5 and 4, checked over HTTP (quickstart.mjs).
# A git URL sees committed state only: uncommitted changes are not installed
# (the script says so). Bounded: the install at most 15 minutes, each quick
# start 60 s. Run from anywhere.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/test/external"
work=$(mktemp -d "${TMPDIR:-/tmp}/kompliant-git-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
  echo "git-install: FAIL: $*" >&2
  exit 1
}

command -v git >/dev/null || fail "git is needed"
commit=$(git -C "$root" rev-parse HEAD)
echo "git-install: installing git+file://$root at $commit (committed state only)"
if [[ -n $(git -C "$root" status --porcelain --untracked-files=no) ]]; then
  echo "git-install: note: the working tree has uncommitted changes; they are not part of this install"
fi

cd "$work"
echo '{ "name": "kompliant-git-consumer", "version": "1.0.0", "private": true }' >package.json
started=$SECONDS
timeout 900 npm install --no-audit --no-fund --loglevel=error "git+file://$root#$commit" express@^5 express4@npm:express@^4.21.2 >/dev/null ||
  fail "npm install git+file://$root failed or took more than 15 minutes"
echo "git-install: npm install took $((SECONDS - started)) s"

installed=node_modules/kompliant-envelope
[[ -f $installed/dist/cjs/index.js && -f $installed/dist/esm/index.js && -f $installed/dist/esm/index.d.ts ]] ||
  fail "the installed package has no built dist/: $(ls "$installed" | tr '\n' ' ')"
[[ -f $installed/dist/schemas/envelope.json ]] || fail "the installed package has no dist/schemas/envelope.json"
[[ ! -e $installed/src && ! -e $installed/test ]] || fail "the installed package holds src/ or test/: only the files of package.json's \"files\" belong there"
[[ $(node -p "require('./$installed/package.json').version") == $(node -p "require('$root/package.json').version") ]] ||
  fail "the installed version is not the repository's"
echo "git-install: $installed holds $(ls "$installed" | tr '\n' ' ')"

cp "$here/quickstart.mjs" .
for major in express express4; do
  EXPRESS_MODULE=$major timeout 60 node quickstart.mjs "$root/README.md" || fail "the README quick start on $major"
done
echo "git-install: ok, the README quick start runs from a git-URL install (CommonJS and ESM, Express 5 and 4)"
