#!/usr/bin/env bash
# Install Debian's Chromium and a Traditional Chinese font for the browser tests
# when they are missing. Test tools cannot download their own browser builds
# here, so Playwright drives /usr/bin/chromium through executable_path; the font
# makes screenshots under test-output/ readable.
set -euo pipefail
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
if ! fc-list :lang=zh-tw 2>/dev/null | grep -q .; then
    packages+=(fonts-wqy-zenhei)
fi
if [ ${#packages[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "Missing for browser tests: ${packages[*]}. Install them with apt-get (browser tests skip without chromium)." >&2
    exit 0
fi
echo "Installing ${packages[*]} for the browser tests..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
