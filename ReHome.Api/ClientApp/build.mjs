// Bundles src/rehome-client.js with @microsoft/signalr into one ES module that the API serves
// at /js/rehome-client.js, so a page needs no import map and no second request.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const outfile = fileURLToPath(new URL("../wwwroot/js/rehome-client.js", import.meta.url));

await build({
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
