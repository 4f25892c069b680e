#!/usr/bin/env bash
# Installs Debian's chromium, its chromedriver (chromium-driver: the web workspace's
# browser tests drive chromium through it), pdftoppm (poppler-utils: the printed forms'
# tests turn the PDF chromium prints into PNG pages) and the CJK fonts the browser tests need
# (fonts-hanazono carries rare characters such as 𠀀 that Noto CJK lacks). Does
# nothing when chromium, chromedriver and pdftoppm are already there. Run by `.ci/run`, and by
# the tests themselves when either is missing, so that `cargo test --workspace` needs
# no manual step.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -x /usr/bin/pdftoppm ]; then
    exit 0
fi
# Tests that need the browser may run this at the same moment: one installs, the others
# wait for it and then find everything there (two apt-get runs would fight over dpkg's lock).
exec 9>"${TMPDIR:-/tmp}/shine-install-browser.lock"
flock 9
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -x /usr/bin/pdftoppm ]; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo -n"
fi
echo "installing Debian's chromium and chromium-driver for the browser tests" >&2
$sudo apt-get update -q >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    chromium chromium-driver poppler-utils fonts-noto-cjk fonts-hanazono >&2
