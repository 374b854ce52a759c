// Bundles src/rehome-client.js with @microsoft/signalr into one ES module that the API serves
// at /js/rehome-client.js, so a page needs no import map and no second request; the same bundle
// goes to dist/ for the npm package (`@rehome/client/bundle`).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const outfiles = [
  fileURLToPath(new URL("../wwwroot/js/rehome-client.js", import.meta.url)),
  fileURLToPath(new URL("dist/rehome-client.js", import.meta.url)),
];

for (const outfile of outfiles) await build({
  entryPoints: [fileURLToPath(new URL("src/rehome-client.js", import.meta.url))],
  outfile,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  minify: true,
  sourcemap: "linked",
  legalComments: "eof",
  logLevel: "warning",
  banner: { js: "// rehome-client — built from ReHome.Api/ClientApp (npm run build); do not edit." },
});
