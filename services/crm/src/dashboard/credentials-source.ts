// Reads the credentials file and follows its changes: a Secret mounted as a volume is
// updated in place when it is rotated, so the dashboard picks new credentials up without
// a restart. Nothing read from the file is ever logged.
import { readFile, stat } from "node:fs/promises";
import type { Logger } from "@oaas/telemetry";
import { parseAuthFile, type Credentials } from "./auth-file.ts";

export interface CredentialsSource {
  /** The current credentials (the last good ones when a re-read fails). */
  current(): Promise<Credentials>;
}

/**
 * Loads `path` now (rejects with AuthFileError or the fs error when it is missing,
 * unreadable or holds no credential: the dashboard must not start open), then at most
 * every `recheckMs` (default 5 000 ms) looks at its modification time and re-reads it
 * when it changed. A re-read that fails keeps the previous credentials and logs a warning
 * naming the path and the line number only.
 */
export async function fileCredentials(
  path: string,
  logger: Logger,
  recheckMs = 5_000,
): Promise<CredentialsSource> {
  const load = async () => {
    const { mtimeMs } = await stat(path);
    return { credentials: parseAuthFile(await readFile(path, "utf8")), mtimeMs };
  };
  let loaded = await load();
  let checkedAt = Date.now();
  let inFlight: Promise<void> | undefined;
  const recheck = async () => {
    try {
      const { mtimeMs } = await stat(path);
      if (mtimeMs === loaded.mtimeMs) return;
      loaded = await load();
      logger.info("dashboard credentials reloaded", {
        auth_file: path,
        users: loaded.credentials.users.size,
        tokens: loaded.credentials.tokens.length,
      });
    } catch (error) {
      logger.warn("dashboard credentials file unusable; keeping the previous credentials", {
        auth_file: path,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
  return {
    async current() {
      if (Date.now() - checkedAt >= recheckMs) {
        checkedAt = Date.now();
        inFlight ??= recheck().finally(() => {
          inFlight = undefined;
        });
        await inFlight;
      }
      return loaded.credentials;
    },
  };
}
