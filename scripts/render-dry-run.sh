#!/usr/bin/env bash
# Renders `migrate plan --dry-run --format markdown` for every plan in plans/ (or the plans given)
# to HTML with the Mermaid graph drawn in headless Chromium, and saves PNG screenshots under
# target/render/. A local check (`just render-check`), not part of CI: it needs Debian's chromium
# and the npm registry. Look at the PNGs afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]]; then
  echo "error: no Chromium at ${CHROMIUM:-/usr/bin/chromium}; install it with \`apt-get install -y chromium\` (or set CHROMIUM)" >&2
  exit 2
fi
if [[ ! -d scripts/render-markdown/node_modules ]]; then
  npm ci --prefix scripts/render-markdown --no-audit --no-fund
fi
node scripts/render-markdown/render.mjs "$@"
