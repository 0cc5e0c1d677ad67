#!/usr/bin/env bash
# Builds influxd (InfluxDB 2.x) from its Go module into the flowguard cache, with no manual step.
#
#   build-influxd.sh VERSION PREFIX
#
# VERSION is a tag of github.com/influxdata/influxdb/v2 (e.g. v2.7.12); the binary lands in
# PREFIX/bin/influxd. influxd links the Flux engine (libflux, Rust) through cgo; influxdata's
# pkg-config wrapper builds libflux with cargo when cgo asks for `flux`, so it goes first on PATH
# under the name `pkg-config`. Needs go, cargo and a C compiler; missing C tools are installed
# with apt-get (as root), and the script says so.
set -euo pipefail

version="${1:?usage: build-influxd.sh VERSION PREFIX}"
prefix="${2:?usage: build-influxd.sh VERSION PREFIX}"
module=github.com/influxdata/influxdb/v2

log() { echo "[influxdb build] $*"; }
die() {
  echo "[influxdb build] error: $*" >&2
  exit 1
}

command -v go >/dev/null || die "go is not on PATH; install Go 1.23 or newer"
command -v cargo >/dev/null || die "cargo is not on PATH; install Rust (rustup) first"

# cgo needs a C compiler (libflux's Go binding and sqlite are cgo packages).
missing=()
command -v gcc >/dev/null || missing+=(gcc)
command -v make >/dev/null || missing+=(make)
[ -e /usr/include/stdio.h ] || missing+=(libc6-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then die "missing system packages: ${missing[*]} (install them with apt-get as root)"; fi
  log "installing system packages with apt-get: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# A module may ask for a newer Go than the one installed; the Go module proxy serves toolchains.
export GOTOOLCHAIN="${FLOWGUARD_GOTOOLCHAIN:-auto}"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
# libflux pins an old Rust in rust-toolchain.toml (with cross targets) that rustup cannot fetch
# offline; the installed stable toolchain builds it fine.
export RUSTUP_TOOLCHAIN="${FLOWGUARD_RUSTUP_TOOLCHAIN:-stable}"
# libflux builds with `deny(warnings)`; lints added by newer compilers must not fail the build.
export RUSTC_WRAPPER="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/rustc-cap-lints.sh"

log "resolving $module@$version"
download="$(go mod download -json "$module@$version")"
srcdir="$(sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p' <<<"$download")"
[ -f "$srcdir/go.mod" ] || die "could not download $module@$version from the Go module proxy: $download"
pkgconfig_version="$(awk '$1 == "github.com/influxdata/pkg-config" { print $2; exit }' "$srcdir/go.mod")"
flux_version="$(awk '$1 == "github.com/influxdata/flux" { print $2; exit }' "$srcdir/go.mod")"
[ -n "$pkgconfig_version" ] || pkgconfig_version=latest
log "influxd $version needs flux $flux_version; pkg-config wrapper $pkgconfig_version"

tools="$prefix/tools"
mkdir -p "$tools" "$prefix/bin"
log "installing the pkg-config wrapper (github.com/influxdata/pkg-config@$pkgconfig_version)"
GOBIN="$tools" go install "github.com/influxdata/pkg-config@$pkgconfig_version"
[ -x "$tools/pkg-config" ] || die "the pkg-config wrapper was not installed in $tools"

log "building influxd (compiles libflux with cargo, then influxd with go; this takes a while)"
# `go install cmd@version` refuses modules with replace directives (influxdb has one), so build a
# writable copy of the module source as the main module.
build="$prefix/build"
rm -rf "$build"
mkdir -p "$build"
cp -R "$srcdir/." "$build/src"
chmod -R u+w "$build/src"
ldflags="-X main.version=${version#v} -X main.commit=module -X main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
(
  cd "$build/src"
  PATH="$tools:$PATH" go build \
    -tags sqlite_foreign_keys,sqlite_json \
    -ldflags "$ldflags" \
    -o "$build/influxd" \
    ./cmd/influxd
)
mv -f "$build/influxd" "$prefix/bin/influxd"
rm -rf "$build"
log "built $("$prefix/bin/influxd" version)"
