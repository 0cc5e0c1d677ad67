#!/usr/bin/env bash
# RUSTC_WRAPPER for building libflux: caps lints at "warn" on every crate compile, host builds
# included (RUSTFLAGS skips host build-dependencies when cargo gets --target). libflux is compiled
# with deny(warnings), and newer compilers add lints that would otherwise fail the build.
rustc="$1"
shift
for arg in "$@"; do
  # Cargo already caps lints of registry crates; rustc refuses the option twice.
  case "$arg" in --cap-lints*) exec "$rustc" "$@" ;; esac
done
case " $* " in
  *" --crate-name "*) exec "$rustc" "$@" --cap-lints=warn ;;
  *) exec "$rustc" "$@" ;;
esac
