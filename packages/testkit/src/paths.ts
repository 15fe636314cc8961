import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Root of the repository checkout. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Cache outside the repo for built binaries and the pointer to a running cluster. */
export function cacheDir(): string {
  return process.env["OAAS_CACHE_DIR"] ?? path.join(os.homedir(), ".cache", "oaas");
}
