// "Can this CRM serve?": the API server answers and the DeploymentRecord CRD is
// installed and established. One GET answers both. The answer is cached briefly so
// probes, health checks and watchers do not each hit the API server.
import { crdName } from "@oaas/crd";
import { customResourceDefinitions, getObject, isKubeError, type KubeClient } from "@oaas/kube";

export interface ReadyState {
  readonly ready: boolean;
  /** Why not, for /readyz bodies and logs; "ok" when ready. */
  readonly reason: string;
}

export interface Readiness {
  check(): Promise<ReadyState>;
  /** From now on not ready (graceful shutdown: let load balancers drain). */
  stop(): void;
}

interface Crd {
  metadata?: { name?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

export interface ReadinessOptions {
  /** How long an answer is reused, ms. Default 2 000. */
  readonly cacheMs?: number;
  /** Bound of the check's API call, ms. Default 2 000. */
  readonly timeoutMs?: number;
}

export function kubeReadiness(client: KubeClient, options: ReadinessOptions = {}): Readiness {
  const cacheMs = options.cacheMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 2000;
  let cached: { state: ReadyState; at: number } | undefined;
  let inFlight: Promise<ReadyState> | undefined;
  let stopped = false;
  const probe = async (): Promise<ReadyState> => {
    try {
      const crd = await getObject<Crd>(client, customResourceDefinitions, undefined, crdName, { timeoutMs });
      if (!crd) return { ready: false, reason: `CRD ${crdName} is not installed` };
      const established = crd.status?.conditions?.some(
        (c) => c.type === "Established" && c.status === "True",
      );
      return established
        ? { ready: true, reason: "ok" }
        : { ready: false, reason: `CRD ${crdName} is not established yet` };
    } catch (error) {
      const detail = isKubeError(error) ? error.message : String(error);
      return { ready: false, reason: `Kubernetes API not usable: ${detail}` };
    }
  };
  return {
    async check() {
      if (stopped) return { ready: false, reason: "shutting down" };
      if (cached && Date.now() - cached.at < cacheMs) return cached.state;
      inFlight ??= probe().then((state) => {
        cached = { state, at: Date.now() };
        inFlight = undefined;
        return state;
      });
      return inFlight;
    },
    stop() {
      stopped = true;
    },
  };
}

/** A named readiness check of one part of a role (e.g. "watcher": informers synced and alive). */
export interface ReadinessPart {
  readonly name: string;
  check(): Promise<ReadyState> | ReadyState;
}

/**
 * Ready when every part is: the first part that is not gives the reason, prefixed with
 * its name, so /readyz says which part of `crm all` holds it back.
 */
export function allReady(parts: readonly ReadinessPart[]): Readiness {
  let stopped = false;
  return {
    async check() {
      if (stopped) return { ready: false, reason: "shutting down" };
      for (const part of parts) {
        const state = await part.check();
        if (!state.ready) return { ready: false, reason: `${part.name}: ${state.reason}` };
      }
      return { ready: true, reason: "ok" };
    },
    stop() {
      stopped = true;
    },
  };
}
