#!/usr/bin/env bash
# Builds the self-contained single-file actorconnect binary for one platform (default linux-x64) into
# .local/publish/<rid>/ (PUBLISH_DIR overrides), from the publish profile of that name
# (src/ActorConnect.Host/Properties/PublishProfiles/<rid>.pubxml). The binary needs no .NET install; hocon/ beside it
# holds the Akka defaults. Profiles: linux-x64, linux-arm64, win-x64, osx-arm64.
set -euo pipefail
cd "$(dirname "$0")/.."
rid="${1:-linux-x64}"
profile="src/ActorConnect.Host/Properties/PublishProfiles/$rid.pubxml"
if [[ ! -f "$profile" ]]; then
  echo "publish.sh: no publish profile for '$rid'; use one of: $(cd src/ActorConnect.Host/Properties/PublishProfiles && ls *.pubxml | sed 's/\.pubxml$//' | tr '\n' ' ')" >&2
  exit 2
fi
out="${PUBLISH_DIR:-.local/publish/$rid}"
dotnet publish src/ActorConnect.Host -nologo -v quiet -p:PublishProfile="$rid" -p:PublishDir="$(realpath -m "$out")/"
binary="$out/actorconnect"; [[ "$rid" == win-* ]] && binary="$binary.exe"
echo "$binary ($(du -h "$binary" | cut -f1))"
