// A cluster's token as a mounted Secret (OPRC_PM_CRM_<NAME>_TOKEN_FILE): the file's content,
// trimmed, followed for rotation with @oaas/auth's watchFile (a change is in force within
// 2 s, no restart). I/O edge: reads the files when the PM starts.
import { watchFile, type Source } from "@oaas/auth";
import { clusterVar, type ClusterConfig } from "../config/index.ts";

/** A token file's value: the text without surrounding whitespace; an empty file is refused. */
export function parseTokenFile(text: string): string {
  const token = text.trim();
  if (token === "") throw new Error("the file is empty");
  if (/\s/.test(token)) throw new Error("the token holds whitespace (one token, on one line)");
  return token;
}

/**
 * Reads each cluster's token file (rejects naming the variable when one cannot be read: the
 * PM would otherwise call that CRM without credentials) and follows it.
 */
export async function followTokenFiles(
  clusters: readonly ClusterConfig[],
  onError: (cluster: string, error: unknown) => void,
): Promise<ReadonlyMap<string, Source<string>>> {
  const sources = new Map<string, Source<string>>();
  for (const cluster of clusters) {
    if (cluster.tokenFile === undefined) continue;
    const variable = clusterVar(cluster.name, "TOKEN_FILE");
    try {
      sources.set(
        cluster.name,
        await watchFile(cluster.tokenFile, parseTokenFile, { onError: (e) => onError(cluster.name, e) }),
      );
    } catch (error) {
      throw new Error(
        `${variable} (${cluster.tokenFile}): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  return sources;
}
