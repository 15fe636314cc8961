// npm run crdgen            writes charts/oaas-crm/crds/deploymentrecords.oaas.io.yaml
// npm run crdgen -- --check exits 1 (naming the file) when the committed one is stale
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { crdManifestPath, renderCrdYaml } from "./crd-yaml.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const target = join(root, crdManifestPath);
const fresh = renderCrdYaml();

if (process.argv.includes("--check")) {
  const current = existsSync(target) ? readFileSync(target, "utf8") : undefined;
  if (current !== fresh) {
    const why = current === undefined ? "is missing" : "is stale";
    console.error(`${crdManifestPath} ${why}: run npm run crdgen and commit the result`);
    process.exit(1);
  }
  console.log(`${crdManifestPath} is up to date`);
} else {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, fresh);
  console.log(`wrote ${crdManifestPath}`);
}
