// Which PM and which token oaasctl uses, and where each came from (so a 401 or 403 can say
// which setting to change). The token: --token, else OAAS_TOKEN, else the config file
// `npm start` writes (JSON {"pm_url", "token"}, mode 0600), whose token is sent only to the
// PM it names, so a local admin token never goes to another server. The PM URL: --pm-url,
// else OAAS_PM_URL, else the config file's, else the PM's default port.
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./errors.ts";

/** Where the PM listens when nothing says (the PM's SERVER_PORT default). */
export const defaultPmUrl = "http://127.0.0.1:8080";

/** What the config file holds. */
export interface CliConfig {
  readonly pm_url?: string;
  readonly token?: string;
}

/** The config file as read: what it holds, and whether there was a file at all. */
export interface LoadedConfig extends CliConfig {
  readonly present: boolean;
  /** The file's permission bits when others than its owner may read it (e.g. 0o644), else absent. */
  readonly looseMode?: number;
}

/** A token and the setting it came from, e.g. `OAAS_TOKEN` or `the config file ~/.cache/oaas/local/oaasctl.json`. */
export interface Credential {
  readonly token: string;
  readonly source: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The config file's path: OAASCTL_CONFIG, else `oaasctl.json` in npm start's local
 * directory (OAAS_LOCAL_DIR, default `${OAAS_CACHE_DIR:-~/.cache/oaas}/local`).
 */
export function configPath(env: Env): string {
  if (env.OAASCTL_CONFIG) return env.OAASCTL_CONFIG;
  const cache = env.OAAS_CACHE_DIR || join(env.HOME || homedir(), ".cache", "oaas");
  return join(env.OAAS_LOCAL_DIR || join(cache, "local"), "oaasctl.json");
}

/**
 * Reads the config file; an absent file is no config. Throws UsageError naming the file
 * when it is not JSON of the documented shape (never quoting it: it holds a token).
 */
export function readConfig(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { present: false };
    throw new UsageError(`cannot read the oaasctl config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`the oaasctl config file ${path} is not JSON ({"pm_url": "...", "token": "..."})`);
  }
  const record = (parsed ?? {}) as Record<string, unknown>;
  for (const field of ["pm_url", "token"] as const)
    if (record[field] !== undefined && typeof record[field] !== "string")
      throw new UsageError(`the oaasctl config file ${path}: ${field} must be a string`);
  // A token in a file others can read is everyone's token (the file is written 0600).
  const mode = statSync(path).mode & 0o777;
  return {
    present: true,
    ...((mode & 0o077) !== 0 ? { looseMode: mode } : {}),
    ...(typeof record.pm_url === "string" ? { pm_url: record.pm_url } : {}),
    ...(typeof record.token === "string" ? { token: record.token } : {}),
  };
}

/** The PM URL in use (see the header for the order). */
export function pmUrlOf(flag: string | undefined, env: Env, config: CliConfig): string {
  return flag ?? env.OAAS_PM_URL ?? config.pm_url ?? defaultPmUrl;
}

/**
 * The token in use for `pmUrl` and where it came from, or undefined (no token is sent).
 * Throws UsageError when --token or OAAS_TOKEN is given but empty: an unset shell variable
 * must not silently fall through to the config file's (usually admin) token.
 */
export function credentialOf(
  flag: string | undefined,
  env: Env,
  config: CliConfig,
  path: string,
  pmUrl: string,
): Credential | undefined {
  if (flag !== undefined) {
    if (flag.trim() === "")
      throw new UsageError("--token is empty (an unset variable?): give a token, or leave --token out");
    return { token: flag, source: "--token" };
  }
  if (env.OAAS_TOKEN !== undefined) {
    if (env.OAAS_TOKEN.trim() === "")
      throw new UsageError(
        "OAAS_TOKEN is set but empty: set it to a token, or unset it to use the config file",
      );
    return { token: env.OAAS_TOKEN, source: "OAAS_TOKEN" };
  }
  if (config.token && config.pm_url !== undefined && sameUrl(config.pm_url, pmUrl))
    return { token: config.token, source: `the config file ${path}` };
  return undefined;
}

/**
 * The warning to print when the token in use comes from a config file others may read,
 * else undefined (kubectl and ssh warn about such files too).
 */
export function looseConfigWarning(
  config: LoadedConfig,
  path: string,
  credential: Credential | undefined,
): string | undefined {
  if (config.looseMode === undefined || credential?.source !== `the config file ${path}`) return undefined;
  return `warning: the oaasctl config file ${path} holds a token and is readable by others (mode ${config.looseMode.toString(8).padStart(4, "0")}): chmod 600 ${path}`;
}

/**
 * Why no token from the config file at `path` was sent to `pmUrl`, as the end of a 401's
 * advice: no file, a file without a token or without a pm_url, or a token for another PM.
 */
export function configTokenNote(config: LoadedConfig, path: string, pmUrl: string): string {
  if (!config.present) return `there is no config file at ${path} (npm start writes one for its PM)`;
  if (!config.token) return `the config file ${path} holds no token`;
  if (config.pm_url === undefined)
    return `the config file ${path} names no pm_url, so its token is sent to no PM`;
  if (!sameUrl(config.pm_url, pmUrl))
    return `the config file ${path} holds a token for ${config.pm_url}, which oaasctl does not send to ${pmUrl}`;
  return `the config file ${path} holds one`;
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}
