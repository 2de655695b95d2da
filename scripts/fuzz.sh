#!/bin/sh
# Builds the libFuzzer targets with clang (-fsanitize=fuzzer,address) and runs each for a while.
#   scripts/fuzz.sh            # ~20 s per target
#   FUZZ_SECONDS=5 scripts/fuzz.sh
# New inputs go to a temporary corpus; the committed seeds under tests/fuzz/*/corpus stay as they are.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build/fuzz}
seconds=${FUZZ_SECONDS:-20}

# aiocore is instrumented too (fuzzer-no-link), so the fuzzer sees coverage inside the parsers.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address" \
    -DAIO_FUZZ_ENGINE=libfuzzer -DAIO_BUILD_GUI=OFF -DAIO_WERROR=OFF \
    -DAIO_BUILD_BENCH=OFF -DAIO_BUILD_INTEGRATION_TESTS=OFF >/dev/null
targets="FuzzShellQuote:ssh/corpus/shellquote FuzzKnownHosts:ssh/corpus/knownhosts
FuzzConnectionCheck:ssh/corpus/connectioncheck FuzzHttpResponseReader:net/corpus/httpresponse
FuzzWebSocketFrame:net/corpus/websocketframe FuzzSshConfigImporter:inventory/corpus/sshconfig
FuzzKubeconfigImporter:inventory/corpus/kubeconfig FuzzDeployAnswers:deploy/corpus/answers
FuzzRemoteOutput:deploy/corpus/remoteoutput FuzzLogLine:logs/corpus/logline
FuzzHttpRequestReader:net/corpus/httprequest FuzzAuthProxy:net/corpus/authproxy"
names=$(for t in $targets; do printf '%s ' "${t%%:*}"; done)
# shellcheck disable=SC2086
cmake --build "$build" --target $names

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for t in $targets; do
    name=${t%%:*}
    seeds=$root/tests/fuzz/${t#*:}
    bin=$(find "$build/tests/fuzz" -type f -name "$name" -perm -u+x | head -n 1)
    mkdir -p "$work/$name"
    echo "== $name for ${seconds}s"
    if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/$name-" "$work/$name" "$seeds"; then
        echo "$name found a failing input:" >&2
        ls "$work/$name-"* >&2 || true
        mkdir -p "$root/build/fuzz-artifacts"
        cp "$work/$name-"* "$root/build/fuzz-artifacts/" 2>/dev/null || true
        status=1
    fi
done
exit $status
