// The body of POST /deployments from `deploy` arguments and/or a `-f` file (pure).
import { defaultDeploymentKey } from "@oaas/models";
import { UsageError } from "./errors.ts";
import { isObj, str } from "./json.ts";

export interface DeployArgs {
  readonly packageName?: string;
  readonly classKey?: string;
  /** `--env a,b`: the target clusters (the PM calls them clusters, alias envs). */
  readonly envs?: readonly string[];
  readonly key?: string;
  readonly targetEnv?: string;
  /** nfr_requirements.availability, 0..1. */
  readonly availability?: number;
  /** The parsed `-f` file: a full OClassDeployment. */
  readonly file?: Record<string, unknown>;
}

/** "a, b,,c" -> ["a", "b", "c"]. */
export function splitList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/**
 * An OClassDeployment (packages/models): the file's fields, overridden by the arguments
 * given. Package and class are required from one source or the other; the key defaults
 * to `<package>-<class>`, derived as the PM derives it (one rule: @oaas/models). Arrays and defaults the PM fills (functions, condition) are
 * left to the PM.
 */
export function deploymentBody(args: DeployArgs): Record<string, unknown> {
  const body: Record<string, unknown> = { ...(args.file ?? {}) };
  if (args.packageName !== undefined) body.package_name = args.packageName;
  if (args.classKey !== undefined) body.class_key = args.classKey;
  const packageName = str(body, "package_name");
  const classKey = str(body, "class_key");
  if (packageName === undefined || classKey === undefined) {
    throw new UsageError("deploy needs <package> and <class>, or -f with package_name and class_key");
  }
  if (args.key !== undefined) body.key = args.key;
  if (str(body, "key") === undefined) body.key = defaultDeploymentKey(packageName, classKey);
  if (args.envs !== undefined) {
    if (args.envs.length === 0) throw new UsageError("--env: name at least one cluster");
    body.target_clusters = [...args.envs];
  }
  if (args.targetEnv !== undefined) body.target_env = args.targetEnv;
  if (args.availability !== undefined) {
    if (!(args.availability >= 0 && args.availability <= 1)) {
      throw new UsageError(`--availability: ${args.availability} is not within 0..1`);
    }
    body.nfr_requirements = {
      ...(isObj(body.nfr_requirements) ? body.nfr_requirements : {}),
      availability: args.availability,
    };
  }
  return body;
}

/** Top-level fields of a stored deployment that a client may ask for (the rest the PM sets). */
const requestFields = [
  "key",
  "package_name",
  "class_key",
  "target_env",
  "target_clusters",
  "nfr_requirements",
  "functions",
  "odgm",
] as const;

/**
 * The request a stored deployment (GET /deployments/{key}) stands for: what the PM
 * derives is left out, so a redeploy derives it again from the package as it is now (a
 * new image rolls out). Per function only what differs from the deployment's own NFRs is
 * kept (the PM merges listed functions into the class's bindings by key); ODGM without
 * the replica count the PM sizes.
 */
export function requestOf(stored: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of requestFields) if (stored[field] !== undefined) body[field] = stored[field];
  const nfr = JSON.stringify(stored.nfr_requirements ?? {});
  const functions = Array.isArray(stored.functions) ? stored.functions : [];
  body.functions = functions.flatMap((f) => {
    if (!isObj(f) || typeof f.function_key !== "string") return [];
    const own = f.nfr_requirements;
    return own !== undefined && JSON.stringify(own) !== nfr
      ? [{ function_key: f.function_key, nfr_requirements: own }]
      : [];
  });
  if (isObj(stored.odgm)) {
    const odgm: Record<string, unknown> = { ...stored.odgm };
    delete odgm.replica_count;
    body.odgm = odgm;
  }
  return body;
}

/**
 * `deploy --update`: the stored deployment's request with only what the arguments (and a
 * `-f` file's fields) give replaced, and the top-level fields that change, as
 * "field: old -> new" lines for the CLI to print. Nothing given changes nothing.
 */
export function updateRequest(
  stored: Record<string, unknown>,
  args: DeployArgs,
): { body: Record<string, unknown>; changes: string[] } {
  const before = requestOf(stored);
  const body = deploymentBody({
    ...args,
    file: { ...before, ...(args.file ?? {}) },
    // The key and the class are the stored deployment's; arguments may only repeat them.
    packageName: args.packageName ?? str(before, "package_name"),
    classKey: args.classKey ?? str(before, "class_key"),
  });
  const fields = new Set([...Object.keys(before), ...Object.keys(body)]);
  const changes = [...fields]
    .filter((f) => JSON.stringify(before[f]) !== JSON.stringify(body[f]))
    .sort()
    .map((f) => `${f}: ${show(before[f])} -> ${show(body[f])}`);
  return { body, changes };
}

function show(value: unknown): string {
  return value === undefined ? "(unset)" : JSON.stringify(value);
}
