// npm run bundle: the CRM and PM programs as single ESM files, dist/crm.js and dist/pm.js,
// the entry points of the container image (Dockerfile).
//
// Bundled: our own code (relative imports and the @oaas/* workspace packages, which are
// TypeScript sources that plain Node cannot load). Left as imports from node_modules:
// every third-party package, because OpenTelemetry's auto-instrumentation patches
// http, ioredis and friends through Node's module loader hooks
// (https://github.com/open-telemetry/opentelemetry-js/blob/main/doc/esm-support.md) and cannot see code that was inlined into a bundle. The image therefore ships
// the production node_modules beside dist/. One exception: a package a workspace package
// resolves to its own nested copy (ajv 8 under packages/models, while the root holds ajv 6)
// is bundled, since dist/ would resolve the root's copy (resolvesToNestedCopy).
//
// Code splitting is on for the same reason: each main.ts starts tracing and only then
// imports its program dynamically. In one file esbuild would hoist the program's
// third-party imports (ioredis) above the tracing setup; as a separate chunk
// (dist/chunks/) they load after it, through the loader hook.
//
// An entry whose source does not exist yet is skipped with a warning (the PM is built in
// parallel); `--require-all` makes that an error. `--outdir <dir>` writes elsewhere than
// dist/ (tests); keep it inside the repository so node_modules resolves from there.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entries = [
  { name: "crm", source: "services/crm/src/main.ts" },
  { name: "pm", source: "services/pm/src/main.ts" },
];

/** `ajv` of `ajv/dist/2020.js`, `@scope/name` of `@scope/name/sub`. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/**
 * True when `importer` (a workspace source file) resolves `specifier` to its own nested
 * copy (packages/x/node_modules/...) rather than the root node_modules: npm nests a copy
 * when the root holds another major version (ajv 8 for @oaas/models, ajv 6 at the root).
 * At run time dist/ resolves from the root only, so such a copy is bundled instead.
 */
function resolvesToNestedCopy(importer: string, specifier: string): boolean {
  const name = packageName(specifier);
  for (let dir = path.dirname(importer); dir.startsWith(root) && dir !== root; dir = path.dirname(dir))
    if (existsSync(path.join(dir, "node_modules", name))) return true;
  return false;
}

/**
 * Marks every bare import except @oaas/* as external (resolved from node_modules at run
 * time), except a nested copy (resolvesToNestedCopy), which is bundled with what it imports.
 */
const thirdPartyExternal: Plugin = {
  name: "third-party-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@oaas/")) return undefined;
      if (args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined; // inside a bundled copy
      if (resolvesToNestedCopy(args.importer, args.path)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

async function main(): Promise<number> {
  const requireAll = process.argv.includes("--require-all");
  const at = process.argv.indexOf("--outdir");
  const outdir = at >= 0 ? path.resolve(process.argv[at + 1] ?? "dist") : path.join(root, "dist");
  const present = entries.filter((entry) => {
    if (existsSync(path.join(root, entry.source))) return true;
    console.error(`bundle: ${entry.source} does not exist, dist/${entry.name}.js not built`);
    return false;
  });
  const missing = entries.length - present.length;
  await build({
    entryPoints: Object.fromEntries(present.map((entry) => [entry.name, path.join(root, entry.source)])),
    outdir,
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
    splitting: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    sourcemap: "linked",
    plugins: [thirdPartyExternal],
    // Some bundled code may still call require(); give ESM output one.
    banner: {
      js: "import { createRequire as __oaasRequire } from 'node:module'; const require = __oaasRequire(import.meta.url);",
    },
    logLevel: "warning",
  });
  for (const entry of present)
    console.error(`bundle: ${entry.source} -> ${path.relative(root, path.join(outdir, `${entry.name}.js`))}`);
  return missing > 0 && requireAll ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error("bundle failed:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
