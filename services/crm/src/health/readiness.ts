// "Can this CRM serve?": the API server answers and the DeploymentRecord CRD is
// installed and established. One GET answers both. The answer is cached briefly so
// probes, health checks and watchers do not each hit the API server.
import { crdName, deploymentIdImmutable } from "@oaas/crd";
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
  spec?: {
    versions?: {
      schema?: {
        openAPIV3Schema?: { properties?: { spec?: { "x-kubernetes-validations"?: { rule?: string }[] } } };
      };
    }[];
  };
  status?: { conditions?: { type: string; status: string }[] };
}

/**
 * Deploy is one forced server-side apply that relies on the CRD refusing a different
 * spec.deployment_id; an older CRD without that rule would let it overwrite another
 * deployment's record. So such a CRD makes the CRM not ready (`crm crds` upgrades it).
 */
function hasIdRule(crd: Crd): boolean {
  return (crd.spec?.versions ?? []).every((v) =>
    (v.schema?.openAPIV3Schema?.properties?.spec?.["x-kubernetes-validations"] ?? []).some(
      (r) => r.rule === deploymentIdImmutable.rule,
    ),
  );
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
      // Exempt from the process's in-flight bound: the probe asks whether the API server is
      // usable, and must not time out behind this process's own reconciles (`crm all`).
      const crd = await getObject<Crd>(client, customResourceDefinitions, undefined, crdName, {
        timeoutMs,
        exempt: true,
      });
      if (!crd) return { ready: false, reason: `CRD ${crdName} is not installed` };
      const established = crd.status?.conditions?.some(
        (c) => c.type === "Established" && c.status === "True",
      );
      if (established && !hasIdRule(crd)) {
        return {
          ready: false,
          reason: `CRD ${crdName} predates the spec.deployment_id immutability rule this CRM relies on; upgrade it with \`crm crds\``,
        };
      }
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
