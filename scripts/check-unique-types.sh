#!/usr/bin/env bash
# One concept, one place: no two headers of core/, ui/ or app/ define a struct or class of the same
# name. Two definitions of aio::X with different members break the One Definition Rule: the linker
# keeps one of the inline functions and the program corrupts memory without a warning.
set -euo pipefail
cd "$(dirname "$0")/.."
dupes=$(grep -hoE '^(struct|class) [A-Z][A-Za-z0-9_]*( final)?( :|$|\s*\{)' core app ui -r --include='*.h' \
    | awk '{print $2}' | sort | uniq -d)
if [ -n "$dupes" ]; then
    echo "types defined in more than one header:"
    for name in $dupes; do
        grep -rnE "^(struct|class) $name( final)?( :|$|\s*\{)" core app ui --include='*.h'
    done
    exit 1
fi
echo "types: each defined once"
