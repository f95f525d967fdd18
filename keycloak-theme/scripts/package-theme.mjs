// Packages the built console as a Keycloak theme, two ways:
//   dist/theme/byok/account/...   a folder to mount into /opt/keycloak/themes/
//   dist/byok-theme.jar           a provider jar for /opt/keycloak/providers/
// Run `npm run build` first. Needs nothing beyond Node and the npm dependencies.
import { strToU8, unzipSync, zipSync } from "fflate";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const THEME_NAME = "byok";
const THEME_TYPE = "account";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const themeSources = join(root, "theme", THEME_TYPE);
const buildOutput = join(root, "build", "account-resources");
const dist = join(root, "dist");
const themeDir = join(dist, "theme", THEME_NAME, THEME_TYPE);
const jarPath = join(dist, `${THEME_NAME}-theme.jar`);
const manifestPath = join(themeDir, "resources", ".vite", "manifest.json");

// Keycloak reads .vite/manifest.json into a Java record with Jackson, which rejects fields it
// does not know (org.keycloak.services.util.Chunk). Newer Vite versions may add fields.
const CHUNK_FIELDS = new Set(["file", "src", "name", "isEntry", "isDynamicEntry", "imports", "dynamicImports", "assets", "css"]);

function fail(message) {
  console.error(`package-theme: ${message}`);
  process.exit(1);
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

function assembleThemeFolder() {
  if (!existsSync(join(buildOutput, ".vite", "manifest.json"))) {
    fail(`no build in ${relative(root, buildOutput)}; run "npm run build" first.`);
  }
  rmSync(join(dist, "theme"), { recursive: true, force: true });
  mkdirSync(themeDir, { recursive: true });
  cpSync(themeSources, themeDir, { recursive: true });
  cpSync(buildOutput, join(themeDir, "resources"), { recursive: true });
}

/** Keeps only the fields Keycloak knows and checks there is exactly one entry chunk. */
function sanitizeManifest() {
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const stripped = new Set();
  for (const chunk of Object.values(manifest)) {
    for (const field of Object.keys(chunk)) {
      if (!CHUNK_FIELDS.has(field)) {
        delete chunk[field];
        stripped.add(field);
      }
    }
  }
  const entries = Object.values(manifest).filter((chunk) => chunk.isEntry === true);
  if (entries.length !== 1) {
    // Keycloak takes the first entry of a HashMap: with two it would pick one at random.
    fail(`the Vite manifest must have exactly one entry chunk, found ${entries.length}.`);
  }
  const [entry] = entries;
  for (const file of [entry.file, ...(entry.css ?? []), ...(entry.imports ?? []).map((key) => manifest[key]?.file)]) {
    if (!file || !existsSync(join(themeDir, "resources", file))) {
      fail(`the manifest names ${file ?? "an unknown chunk"}, which is not in the build.`);
    }
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  if (stripped.size > 0) {
    console.log(`package-theme: removed manifest fields Keycloak does not read: ${[...stripped].join(", ")}`);
  }
  return entry;
}

function buildJar() {
  // A fixed timestamp keeps the jar byte-for-byte reproducible.
  const mtime = new Date(1980, 0, 2);
  const files = {};
  const addDirectory = (name) => {
    files[name.endsWith("/") ? name : `${name}/`] = [new Uint8Array(0), { mtime }];
  };
  const addFile = (name, data) => {
    // Fonts and other compressed formats gain nothing from deflate.
    const level = /\.(woff2?|png|jpe?g|gif|ico)$/i.test(name) ? 0 : 9;
    files[name] = [data, { mtime, level }];
  };

  addDirectory("META-INF");
  addFile("META-INF/MANIFEST.MF", strToU8("Manifest-Version: 1.0\r\nCreated-By: byok-keycloak-theme\r\n\r\n"));
  addFile(
    "META-INF/keycloak-themes.json",
    strToU8(`${JSON.stringify({ themes: [{ name: THEME_NAME, types: [THEME_TYPE] }] }, null, 2)}\n`),
  );

  const themeRoot = join(dist, "theme");
  const paths = listFiles(themeRoot).sort();
  const directories = new Set();
  for (const path of paths) {
    const name = relative(dist, path).split(sep).join("/");
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) {
      directories.add(parts.slice(0, i).join("/"));
    }
  }
  for (const directory of [...directories].sort()) {
    addDirectory(directory);
  }
  for (const path of paths) {
    addFile(relative(dist, path).split(sep).join("/"), readFileSync(path));
  }

  rmSync(jarPath, { force: true });
  writeFileSync(jarPath, zipSync(files));
}

/** Reads the jar back and checks what Keycloak needs is in it. */
function verifyJar(entry) {
  const contents = unzipSync(readFileSync(jarPath));
  const names = Object.keys(contents);
  const prefix = `theme/${THEME_NAME}/${THEME_TYPE}/`;
  const required = [
    "META-INF/keycloak-themes.json",
    `${prefix}theme.properties`,
    `${prefix}index.ftl`,
    `${prefix}messages/messages_en.properties`,
    `${prefix}resources/.vite/manifest.json`,
    `${prefix}resources/${entry.file}`,
    ...(entry.css ?? []).map((css) => `${prefix}resources/${css}`),
  ];
  const missing = required.filter((name) => !names.includes(name));
  if (missing.length > 0) {
    fail(`the jar lacks ${missing.join(", ")}.`);
  }
  const descriptor = JSON.parse(new TextDecoder().decode(contents["META-INF/keycloak-themes.json"]));
  if (descriptor.themes?.[0]?.name !== THEME_NAME || descriptor.themes[0].types?.[0] !== THEME_TYPE) {
    fail("META-INF/keycloak-themes.json does not describe the byok account theme.");
  }
  const properties = new TextDecoder().decode(contents[`${prefix}theme.properties`]);
  if (!/^parent=keycloak\.v3$/m.test(properties) || !/^byokApiUrl=/m.test(properties)) {
    fail("theme.properties lacks parent=keycloak.v3 or byokApiUrl.");
  }
  return names;
}

assembleThemeFolder();
const entry = sanitizeManifest();
buildJar();
const names = verifyJar(entry);

const size = statSync(jarPath).size;
console.log(`package-theme: ${relative(root, themeDir)} ready to mount at /opt/keycloak/themes/${THEME_NAME}/${THEME_TYPE}`);
console.log(`package-theme: ${relative(root, jarPath)} (${(size / 1024).toFixed(0)} KiB, ${names.length} entries):`);
for (const name of names.filter((n) => !n.includes("/assets/") && !n.endsWith("/"))) {
  console.log(`  ${name}`);
}
const assets = names.filter((n) => n.includes("/assets/") && !n.endsWith("/"));
console.log(`  ... and ${assets.length} files under theme/${THEME_NAME}/${THEME_TYPE}/resources/assets/`);
