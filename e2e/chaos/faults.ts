// The faults of the chaos suite, one per scenario: each breaks one real process or link
// of the ChaosSystem (inject) and mends it (heal). A fault may also check something only
// it can see (the zombie watcher's enqueues) and return the problems it found.
import { Redis } from "ioredis";
import { getObject } from "@oaas/kube";
import { killClusterProcess, waitFor } from "@oaas/testkit";
import { sumSamples } from "../bench/converge-roles.ts";
import type { ChaosSystem, RoleName } from "./system.ts";

export interface Fault {
  readonly name: string;
  readonly description: string;
  /** How long the fault lasts before heal, ms. */
  readonly holdMs: number;
  inject(system: ChaosSystem): Promise<void>;
  /** Mends what inject broke; resolves once the broken part answers again. Returns problems seen. */
  heal(system: ChaosSystem): Promise<string[]>;
}

const leaseType = {
  group: "coordination.k8s.io",
  version: "v1",
  plural: "leases",
  namespaced: true,
} as const;

/** The watcher role holding the Lease (its identity ends in the holder's pid). */
async function leader(system: ChaosSystem): Promise<RoleName> {
  return waitFor(
    async () => {
      const lease = await getObject<{ spec?: { holderIdentity?: string } }>(
        system.kube,
        leaseType,
        system.namespace,
        system.leaseName,
      );
      const pid = /-(\d+)$/.exec(lease?.spec?.holderIdentity ?? "")?.[1];
      return (["watcher-0", "watcher-1"] as const).find((w) => String(system.role(w).child.pid) === pid);
    },
    { description: "a watcher holding the Lease", timeoutMs: 30_000 },
  );
}

async function watcherAdds(system: ChaosSystem, role: RoleName): Promise<number> {
  const text = await (await fetch(`${system.role(role).url}/metrics`)).text();
  return sumSamples(text, ["workqueue_adds_total"]).get("workqueue_adds_total") ?? 0;
}

async function apiserverReady(system: ChaosSystem): Promise<void> {
  await waitFor(
    async () =>
      (await system.kube.exchange({ method: "GET", path: "/readyz", timeoutMs: 2000 })).statusCode === 200,
    { description: "the API server ready again", timeoutMs: 120_000, intervalMs: 250 },
  );
}

/** A role's kill and restart. */
function killRole(role: RoleName, holdMs: number): Fault {
  return {
    name: `${role}-sigkill`,
    description: `SIGKILL ${role} mid-burst, start it again after ${holdMs} ms`,
    holdMs,
    inject: async (s) => {
      await s.role(role).stop("SIGKILL");
    },
    heal: async (s) => {
      await s.restartRole(role);
      return [];
    },
  };
}

export function faults(): Fault[] {
  let stopped: { role: RoleName; adds: number } | undefined;
  let restartApiserver: (() => unknown) | undefined;
  let restartEtcd: (() => unknown) | undefined;
  return [
    killRole("reconciler-0", 3000),
    {
      name: "watcher-leader-sigstop",
      description: "SIGSTOP the watcher holding the Lease for longer than the Lease (6 s), then SIGCONT",
      holdMs: 10_000,
      inject: async (s) => {
        const role = await leader(s);
        stopped = { role, adds: await watcherAdds(s, role) };
        s.role(role).child.kill("SIGSTOP");
      },
      heal: async (s) => {
        if (!stopped) return ["no watcher was stopped"];
        const zombie = stopped;
        s.role(zombie.role).child.kill("SIGCONT");
        stopped = undefined;
        // The other watcher took the Lease while this one slept; give the zombie time to act on its backlog.
        const taken = await leader(s);
        await new Promise((resolve) => setTimeout(resolve, 3000));
        const adds = await watcherAdds(s, zombie.role);
        const problems: string[] = [];
        if (taken === zombie.role)
          problems.push(`${zombie.role} still holds the Lease after 10000 ms stopped`);
        else if (adds > zombie.adds)
          problems.push(
            `I6: ${zombie.role} (the zombie leader) enqueued ${adds - zombie.adds} jobs after losing the Lease to ${taken}`,
          );
        return problems;
      },
    },
    {
      name: "redis-sigkill-empty",
      description: "SIGKILL Redis, start it again empty (no persistence) after 3 s",
      holdMs: 3000,
      inject: (s) => s.redis.kill(),
      heal: async (s) => {
        await s.redis.start();
        return [];
      },
    },
    {
      name: "redis-flushall",
      description: "FLUSHALL on the CRM's Redis mid-burst (queues, locks and history gone)",
      holdMs: 0,
      inject: async (s) => {
        const client = new Redis(s.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
        try {
          await client.connect();
          await client.flushall();
        } finally {
          client.disconnect();
        }
      },
      heal: () => Promise.resolve([]),
    },
    {
      name: "apiserver-restart",
      description: "SIGKILL the cluster's kube-apiserver, start it again after 4 s",
      holdMs: 4000,
      inject: async (s) => {
        restartApiserver = await killClusterProcess(s.cluster.dir, "kube-apiserver");
      },
      heal: async (s) => {
        restartApiserver?.();
        restartApiserver = undefined;
        await apiserverReady(s);
        return [];
      },
    },
    {
      name: "pm-crm-link-drop",
      description: "the PM <-> CRM link dropped (connections reset) for 6 s",
      holdMs: 6000,
      inject: (s) => {
        s.proxy.setMode({ kind: "drop" });
        return Promise.resolve();
      },
      heal: (s) => {
        s.proxy.setMode({ kind: "pass" });
        return Promise.resolve([]);
      },
    },
    {
      name: "pm-crm-link-delay",
      description: "the PM <-> CRM link delayed 2 s each way for 8 s",
      holdMs: 8000,
      inject: (s) => {
        s.proxy.setMode({ kind: "delay", delayMs: 2000 });
        return Promise.resolve();
      },
      heal: (s) => {
        s.proxy.setMode({ kind: "pass" });
        return Promise.resolve([]);
      },
    },
    {
      name: "pm-sigkill",
      description: "SIGKILL the PM mid fan-out, start it again after 2 s",
      holdMs: 2000,
      inject: (s) => s.pm.kill(),
      heal: async (s) => {
        await s.pm.start();
        return [];
      },
    },
    {
      name: "cluster-etcd-sigkill",
      description: "SIGKILL the cluster's etcd, start it again on its data after 3 s",
      holdMs: 3000,
      inject: async (s) => {
        restartEtcd = await killClusterProcess(s.cluster.dir, "etcd");
      },
      heal: async (s) => {
        restartEtcd?.();
        restartEtcd = undefined;
        await apiserverReady(s);
        return [];
      },
    },
    {
      name: "pm-etcd-sigstop",
      description: "SIGSTOP the PM's etcd for 6 s, then SIGCONT",
      holdMs: 6000,
      inject: (s) => {
        process.kill(s.pmEtcd.process.pid, "SIGSTOP");
        return Promise.resolve();
      },
      heal: (s) => {
        process.kill(s.pmEtcd.process.pid, "SIGCONT");
        return Promise.resolve([]);
      },
    },
  ];
}
