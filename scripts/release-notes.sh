#!/usr/bin/env bash
# Prints the notes of one version from CHANGELOG.md: the lines under "## [X.Y.Z]" up to the
# next "## " heading (link references excluded). Fails when the section is missing or empty,
# so a release is never published without its notes.
#   scripts/release-notes.sh 1.2.3 [CHANGELOG.md]
set -euo pipefail
version="${1:?usage: release-notes.sh VERSION [CHANGELOG]}"
changelog="${2:-$(dirname "$0")/../CHANGELOG.md}"
notes="$(awk -v v="$version" '
  index($0, "## [" v "]") == 1 { found = 1; next }
  found && /^## / { exit }
  found && /^\[[^]]+\]: / { next }
  found { print }
' "$changelog" | sed -e '/./,$!d')"
if [ -z "$(printf '%s' "$notes" | tr -d '[:space:]')" ]; then
  echo "CHANGELOG has no notes for $version: add a \"## [$version] - YYYY-MM-DD\" section" >&2
  exit 1
fi
printf '%s\n' "$notes"
