# SPDX-License-Identifier: GPL-2.0
# Common helpers for the kvmlite/optee_lite test bench. Sourced, not run.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$BENCH_DIR/../.." && pwd)
CACHE_DIR=${KVMLITE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvmlite}
JOBS=${JOBS:-$(nproc)}
# Builds of the project's own code (modules, selftests, init) are per checkout.
TREE_KEY=$(printf '%s' "$TOP_DIR" | sha256sum | cut -c1-8)
TREE_CACHE=$CACHE_DIR/tree-$TREE_KEY

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

# Kernel versions the bench supports, per architecture. The first is the default.
bench_versions() {
	case "$1" in
	arm64) echo "6.12 6.1" ;;
	x86_64) echo "6.12" ;;
	*) die "unknown arch '$1' (arm64 or x86_64)" ;;
	esac
}

norm_arch() {
	case "$1" in
	arm64|aarch64) echo arm64 ;;
	x86_64|x86|amd64) echo x86_64 ;;
	*) die "unknown arch '$1' (arm64 or x86_64)" ;;
	esac
}

cross_compile() {
	case "$1" in
	arm64) [ "$(uname -m)" = aarch64 ] || echo aarch64-linux-gnu- ;;
	x86_64) [ "$(uname -m)" = x86_64 ] || echo x86_64-linux-gnu- ;;
	esac
}

# The Debian package version of linux-source-VER: caches are keyed on it.
source_pkgver() {
	local v
	v=$(dpkg-query -W -f='${Version}' "linux-source-$1" 2>/dev/null) ||
		die "linux-source-$1 is not installed (run scripts/bench/setup)"
	echo "$v" | tr '~+:' '___'
}

# Extracted, pristine source tree of linux-source-VER (shared by all builds).
source_dir() {
	local ver=$1 pv dir
	pv=$(source_pkgver "$ver")
	dir=$CACHE_DIR/src/linux-$pv
	if [ ! -f "$dir/.extracted" ]; then
		log "extracting linux-source-$ver ($pv)"
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -xf "/usr/src/linux-source-$ver.tar.xz" -C "$dir.tmp" --strip-components=1
		mv "$dir.tmp" "$dir"
		touch "$dir/.extracted"
	fi
	echo "$dir"
}

# Build directory of the test kernel for ARCH and VER: keyed on the package version
# and on the content of the configuration fragments that make it. An optional
# FLAVOUR names another kernel built from the same sources with its own fragment
# configs/FLAVOUR-ARCH.config alone (no common.config: e.g. "guest", the small
# kernel without debug options that runs as a nested guest).
kernel_fragments() {
	if [ -n "${2:-}" ]; then
		[ -f "$BENCH_DIR/configs/$2-$1.config" ] ||
			die "no kernel flavour '$2' for $1 (configs/$2-$1.config)"
		echo "$BENCH_DIR/configs/$2-$1.config"
	else
		echo "$BENCH_DIR/configs/common.config" "$BENCH_DIR/configs/$1.config"
	fi
}

kernel_dir() {
	local arch=$1 ver=$2 flavour=${3:-} pv key
	pv=$(source_pkgver "$ver")
	# shellcheck disable=SC2046
	key=$(cat $(kernel_fragments "$arch" "$flavour") | sha256sum | cut -c1-12)
	echo "$CACHE_DIR/build/$arch${flavour:+-$flavour}-$pv-$key"
}

kernel_image() {
	case "$1" in
	arm64) echo "$2/arch/arm64/boot/Image" ;;
	x86_64) echo "$2/arch/x86/boot/bzImage" ;;
	esac
}
