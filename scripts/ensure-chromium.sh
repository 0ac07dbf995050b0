#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing.
# Test tools cannot download their own browser builds here, so Playwright
# drives /usr/bin/chromium through executable_path.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "Chromium is missing: run 'sudo apt-get install chromium' (browser tests will be skipped)." >&2
    exit 0
fi
echo "Installing Debian's chromium package for the browser tests..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
