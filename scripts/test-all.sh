#!/usr/bin/env bash
# `npm test`: every test, in the order a failure is cheapest to read.
#  1. model_creation (pytest, Debian's python3)       3. test build of the extension
#  2. unit + integration (vitest, Node)               4. end-to-end in Debian's Chromium
#  5. Firefox: test build, end-to-end in Debian's firefox-esr, production build + web-ext lint
# Installs missing Debian packages first. Ends with one "N passed, N failed" line over all suites.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh python browser firefox || exit 1
bash scripts/ensure-transformersjs.sh || exit 1
RES=$(mktemp -d)
status=0

bash model_creation/run_tests.sh --junitxml="$RES/pytest.xml" || status=1
npx vitest run --reporter=default --reporter=json --outputFile.json="$RES/unit.json" || status=1
if npm run --silent build:test; then
  npx vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile.json="$RES/e2e.json" || status=1
else
  echo "test build failed: end-to-end tests not run" >&2
  status=1
fi
if npm run --silent build:test:firefox; then
  npx vitest run --config vitest.e2e.firefox.config.ts --reporter=default --reporter=json --outputFile.json="$RES/e2e-firefox.json" || status=1
else
  echo "Firefox test build failed: Firefox end-to-end tests not run" >&2
  status=1
fi

node - "$RES" <<'JS'
const fs = require('node:fs');
const dir = process.argv[2];
let passed = 0, failed = 0, skipped = 0;
for (const f of ['unit.json', 'e2e.json', 'e2e-firefox.json']) {
  const p = `${dir}/${f}`;
  if (!fs.existsSync(p)) continue;
  const r = JSON.parse(fs.readFileSync(p, 'utf8'));
  passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests || 0);
}
const x = fs.existsSync(`${dir}/pytest.xml`) ? fs.readFileSync(`${dir}/pytest.xml`, 'utf8') : '';
const m = x.match(/<testsuite [^>]*>/);
if (m) {
  const a = (k) => Number((m[0].match(new RegExp(`${k}="(\\d+)"`)) || [0, 0])[1]);
  failed += a('failures') + a('errors'); skipped += a('skipped'); passed += a('tests') - a('failures') - a('errors') - a('skipped');
}
console.log(`\nAll suites: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
JS
exit $status
