#!/usr/bin/env bash
# Installs the OS tools Odoo needs beyond Python when they are missing:
#   pdf     -> wkhtmltopdf (PDF reports), a font with Arabic glyphs, rtlcss (right-to-left style sheets)
#   browser -> chromium (Odoo's browser tests / tours)
# As root it installs them (Debian packages, npm); otherwise it says exactly what to install.
source "$(dirname "$0")/lib.sh"

missing_apt=()
missing_npm=()
for what in "$@"; do
    case $what in
        pdf)
            command -v wkhtmltopdf >/dev/null || missing_apt+=(wkhtmltopdf)
            fc-list :lang=ar 2>/dev/null | grep -qi 'noto' || missing_apt+=(fonts-noto-core)
            command -v rtlcss >/dev/null || missing_npm+=(rtlcss@4.3.0)
            ;;
        browser)
            command -v chromium >/dev/null || command -v google-chrome >/dev/null || missing_apt+=(chromium)
            ;;
        *) die "unknown system dependency group '$what' (pdf, browser)" ;;
    esac
done
[ ${#missing_apt[@]} -eq 0 ] && [ ${#missing_npm[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
    msg="missing system tools. Install them, then run again:"
    [ ${#missing_apt[@]} -gt 0 ] && msg="$msg
    sudo apt-get install ${missing_apt[*]}"
    [ ${#missing_npm[@]} -gt 0 ] && msg="$msg
    sudo npm install -g ${missing_npm[*]}"
    die "$msg"
fi
if [ ${#missing_apt[@]} -gt 0 ]; then
    log "installing ${missing_apt[*]} (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null
fi
if [ ${#missing_npm[@]} -gt 0 ]; then
    command -v npm >/dev/null || die "npm is needed to install ${missing_npm[*]}: apt-get install npm"
    log "installing ${missing_npm[*]} (npm)"
    npm install --global --silent "${missing_npm[@]}" >/dev/null 2>&1 || die "npm install -g ${missing_npm[*]} failed"
fi
