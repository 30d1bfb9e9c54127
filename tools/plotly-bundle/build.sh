#!/bin/sh
# Rebuild static/vendor/plotly-stratstab.min.js from the pinned plotly.js (see README).
# Needs Node.js and npm with access to the npm registry; the server itself never runs this.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/../../src/stratstab/web/static/vendor"
cd "$here"
npm ci --no-audit --no-fund
version=$(node -p "require('plotly.js/package.json').version")
# A classic script that defines window.Plotly.  Stylesheets that only map traces
# import are left out (no map trace is drawn); process.env and global as in a browser.
./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --target=es2018 --loader:.css=empty --define:global=window --legal-comments=none \
  --banner:js="/* plotly.js $version partial bundle for stratstab (scatter, bar, heatmap). MIT License; bundled packages and their licenses: plotly.THIRD-PARTY */" \
  --metafile=meta.json --outfile="$vendor/plotly-stratstab.min.js" --log-level=warning
# Every npm package whose code is in the bundle: version, license and license text.
node -e '
const fs = require("fs");
const meta = require("./meta.json");
const seen = new Map();
for (const info of Object.values(meta.outputs)) {
  for (const [input, used] of Object.entries(info.inputs || {})) {
    const found = input.match(/^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//);
    if (!found || used.bytesInOutput === 0 || seen.has(found[2])) continue;
    const pkg = JSON.parse(fs.readFileSync(found[1] + "/package.json", "utf8"));
    const files = fs.readdirSync(found[1]).filter((f) => /^licen[cs]e/i.test(f));
    const text = files.map((f) => fs.readFileSync(found[1] + "/" + f, "utf8").trim()).join("\n\n");
    seen.set(found[2], `== ${found[2]} ${pkg.version} (${pkg.license})\n\n${text || "(no license file in the package)"}`);
  }
}
const names = [...seen.keys()].sort();
console.log("Packages whose code is in plotly-stratstab.min.js, with their licenses.\n");
console.log(names.map((n) => seen.get(n)).join("\n\n"));
' > "$vendor/plotly.THIRD-PARTY"
rm -f meta.json
echo "wrote $vendor/plotly-stratstab.min.js"
