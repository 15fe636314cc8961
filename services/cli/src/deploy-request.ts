// The body of POST /deployments from `deploy` arguments and/or a `-f` file (pure).
import { defaultDeploymentKey } from "@oaas/models";
import { UsageError } from "./errors.ts";
import { isObj, str } from "./shapes.ts";

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
 * An OClassDeployment (issue 9 item 1): the file's fields, overridden by the arguments
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
