// Builds what MedPortal serves from nhsuk-frontend (installed by `npm ci`) into the git-ignored
// static/vendor/nhsuk/: our compiled CSS (frontend/nhsuk.scss), the component icons it refers
// to. Fails if the CSS would load anything from another origin.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "node_modules", "nhsuk-frontend");
const out = join(root, "static", "vendor", "nhsuk");

const { version } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
const result = sass.compile(join(root, "frontend", "nhsuk.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
const remote = result.css.match(/(https?:)?\/\/[^\s"')]+/g);
if (remote) {
  console.error(`frontend/nhsuk.scss compiled to CSS with remote URLs: ${remote.join(", ")}`);
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "nhsuk.css"), `/*! nhsuk-frontend ${version} (MIT), built for MedPortal */\n${result.css}\n`);
cpSync(join(pkg, "dist", "nhsuk", "assets", "images"), join(out, "images"), {
  recursive: true,
  filter: (src) => !/nhsuk-(opengraph|icon-\d+)|favicon/.test(src),
});
console.log(`static/vendor/nhsuk/: nhsuk-frontend ${version}, ${result.css.length} bytes of CSS`);
