#!/usr/bin/env bash
# Writes the ktr command reference from what ktr itself prints, so that the docs cannot
# drift from the parser: docs/cli.md holds `ktr --help` and `ktr COMMAND --help` of every
# command `ktr --help` lists, and README.md's block between the markers
# "<!-- ktr --help: scripts/cli-reference.sh -->" and "<!-- end of ktr --help -->" holds
# `ktr --help`. tests/app/cli_reference_test.cpp runs this script and fails when either
# differs from what the ktr under test prints.
# Usage: scripts/cli-reference.sh [KTR [CLI_MD [README]]]
#   defaults: build/dev/app/ktr, docs/cli.md, README.md (README "-" leaves it alone)
set -euo pipefail
cd "$(dirname "$0")/.."
ktr=${1:-build/dev/app/ktr}
out=${2:-docs/cli.md}
readme=${3:-README.md}
[[ -x "$ktr" ]] || { echo "cli-reference.sh: no ktr at $ktr (build it first)" >&2; exit 1; }

fence='```'
top=$("$ktr" --help)
commands=$(awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }' \
  <<<"$top")
{
  echo '# The `ktr` command line'
  echo
  echo 'What `ktr --help` and `ktr COMMAND --help` print, written by `scripts/cli-reference.sh`'
  echo 'from the binary (do not edit: `tests/app/cli_reference_test.cpp` fails when this page'
  echo 'and ktr differ). [recording.md](recording.md) explains `ktr record` at length.'
  echo
  echo '## `ktr`'
  echo
  echo "$fence"
  echo "$top"
  echo "$fence"
  for c in $commands; do
    echo
    echo "## \`ktr $c\`"
    echo
    echo "$fence"
    "$ktr" "$c" --help
    echo "$fence"
  done
} >"$out.tmp"
mv "$out.tmp" "$out"

if [[ "$readme" != - ]]; then
  begin='<!-- ktr --help: scripts/cli-reference.sh -->'
  end='<!-- end of ktr --help -->'
  grep -qxF "$begin" "$readme" || { echo "cli-reference.sh: no '$begin' in $readme" >&2; exit 1; }
  BLOCK=$(printf '%s\n%s\n%s' "$fence" "$top" "$fence") awk -v begin="$begin" -v end="$end" '
    $0 == begin { print; print ENVIRON["BLOCK"]; skip = 1; next }
    $0 == end { skip = 0 }
    !skip { print }' "$readme" >"$readme.tmp"
  mv "$readme.tmp" "$readme"
fi
