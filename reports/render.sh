#!/usr/bin/env bash
# Generates a capacity review page and renders it to PNG with headless Chromium, to look at it.
#
#   reports/render.sh <out.png> <run folder>... [--plan plan.json] [--baseline run] 
#   reports/render.sh /tmp/report.png reports/src/test/resources/fixture/run-quickstart \
#       --plan reports/src/test/resources/fixture/plan/plan.json
#
# The HTML is written next to the PNG (same name, .html). Needs Debian's chromium
# (apt-get update && apt-get install -y chromium); CAPKIT_PAGE_HEIGHT sets the screenshot height
# (default 9000 px: the whole page of a 6-step run with a plan). Not part of mvn verify.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
png=$(realpath -m "$1"); shift
html="${png%.png}.html"
cp_file="$root/reports/target/render-classpath.txt"
(cd "$root" && mvn -q -B -o -Dstyle.color=never -pl reports -am compile dependency:build-classpath \
    -Dmdep.outputFile=target/render-classpath.txt -Dmdep.includeScope=runtime) >&2
java -cp "$root/reports/target/classes:$(cat "$cp_file")" dev.capkit.reports.ReportCommand "$@" --out "$html"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "render.sh: chromium not found (apt-get install -y chromium); the page is at $html" >&2
  exit 3
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run \
    --user-data-dir="$profile" --hide-scrollbars --screenshot="$png" --window-size=1280,"${CAPKIT_PAGE_HEIGHT:-9000}" \
    "file://$html" 2>/dev/null
echo "render.sh: $png (from $html)"
