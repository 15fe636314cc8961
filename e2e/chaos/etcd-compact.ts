// Compacts the private cluster's etcd at its current revision, through etcd's own
// JSON gateway (/v3/kv/range for the revision, /v3/kv/compaction): every watch that
// resumes from an older resourceVersion then gets 410 Gone and must relist.
import { readFileSync } from "node:fs";
import { clusterProcess } from "@oaas/testkit";

/** The client URL of the cluster's etcd, read from its command line. */
function etcdUrl(dir: string): string {
  const p = clusterProcess(dir, "etcd");
  const args = readFileSync(`/proc/${p.pid}/cmdline`, "utf8").split("\0");
  const url = args.find((a) => a.startsWith("--listen-client-urls="))?.split("=")[1];
  if (!url) throw new Error("the cluster's etcd has no --listen-client-urls");
  return url;
}

/** Compacts (physically) at the current revision; resolves with that revision. */
export async function compactEtcd(dir: string): Promise<number> {
  const url = etcdUrl(dir);
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method: "POST",
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 200) throw new Error(`etcd ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { header?: { revision?: string } };
  };
  const range = await post("/v3/kv/range", { key: Buffer.from("/").toString("base64"), count_only: true });
  const revision = Number(range.header?.revision ?? 0);
  await post("/v3/kv/compaction", { revision, physical: true });
  return revision;
}
