#!/usr/bin/env bash
# The samples of the printed forms the README shows (docs/forms/<form>.png): the demo's
# university, each form exported as an A4 page (`shine export … --out F.html`), printed
# to PDF by headless Chromium and its first page turned into PNG by pdftoppm. Run it
# again after changing a form; it installs chromium and poppler-utils when missing
# (tests/install-browser.sh). Every process it starts has ended when it returns.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/install-browser.sh
cargo build -q -p shine
shine="${CARGO_TARGET_DIR:-target}/debug/shine"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$shine" demo --dir "$work/store" >/dev/null
export SHINE_STORE="$work/store"

sample() {
    local name=$1
    shift
    "$shine" export "$@" --out "$work/$name.html" >/dev/null
    # setsid: chromium's helpers share its session, and are killed with it on a hang.
    timeout -k 5 120 setsid chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --no-first-run \
        --user-data-dir="$work/profile" --print-to-pdf="$work/$name.pdf" "file://$work/$name.html" >/dev/null 2>&1
    pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$work/$name.pdf" "docs/forms/$name"
    echo "docs/forms/$name.png"
}

sample certificate certificate --member jx-jg-01 --quarter 2026Q4
sample ledger ledger --branch jx-jg --quarter 2026Q4
sample form form --unit jx --quarter 2026Q4
sample roll-up form --quarter 2026Q4
sample overview overview --quarter 2026Q4
sample appraisal appraisal --branch jx-jg --from 2026Q1 --to 2026Q4
