#!/bin/sh
# Installs the Backstage catalog backend used by the Go package backstagetest.
#
# Idempotent and fast when nothing changed: build tools are installed only when missing, and
# npm ci runs only when node_modules is missing or older than package-lock.json.
set -eu

cd "$(dirname "$0")"
stamp=node_modules/.install-stamp

# Node 20 or newer must already be there; Debian's own nodejs package is too old.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "install.sh: node and npm (Node 20 or newer) are needed" >&2
	exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
	echo "install.sh: Node 20 or newer is needed, found $(node --version)" >&2
	exit 1
fi

if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ] && [ "$stamp" -nt package.json ]; then
	echo "install.sh: backend is up to date"
	exit 0
fi

# better-sqlite3 compiles from source and needs python3, make and g++.
missing=""
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
command -v make >/dev/null 2>&1 || missing="$missing make"
command -v g++ >/dev/null 2>&1 || missing="$missing g++"
if [ -n "$missing" ]; then
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		if ! command -v sudo >/dev/null 2>&1; then
			echo "install.sh: missing$missing and not root; install them first" >&2
			exit 1
		fi
		sudo=sudo
	fi
	echo "install.sh: installing$missing"
	$sudo apt-get update
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends $missing
fi

# .npmrc builds against the headers of a Node installed under /usr. Use the headers of the
# Node actually on PATH when they are somewhere else, and let node-gyp download them when
# there are none.
prefix=$(dirname "$(dirname "$(command -v node)")")
if [ -f "$prefix/include/node/common.gypi" ]; then
	npm_config_nodedir=$prefix
	export npm_config_nodedir
elif [ ! -f /usr/include/node/common.gypi ]; then
	npm_config_nodedir=
	export npm_config_nodedir
fi

echo "install.sh: npm ci"
start=$(date +%s)
npm ci --no-audit --no-fund
touch "$stamp"
echo "install.sh: installed in $(($(date +%s) - start)) s"
