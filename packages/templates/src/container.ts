// The function container, shared by the Deployment and Knative templates.
import type { V1Container, V1Probe } from "@kubernetes/client-node";
import type { FunctionPlan } from "./functions.ts";
import { scrapeAnnotations } from "./meta.ts";

export interface EnvVar {
  name: string;
  value: string;
}

/** The function's config as env, then `extra` (platform variables), which wins on a clash. */
export function mergeEnv(config: readonly EnvVar[], extra: readonly EnvVar[]): EnvVar[] {
  // Duplicate names would break server-side apply (env is a map keyed by name).
  const taken = new Set(extra.map((e) => e.name));
  return [...config.filter((e) => !taken.has(e.name)), ...extra];
}

/**
 * `portName` is "http" on Deployments (what monitors and the Service target) and
 * "http1"/"h2c" on Knative, whose port names select the protocol.
 */
export function functionContainer(
  fn: FunctionPlan,
  portName: string,
  extraEnv: readonly EnvVar[],
): V1Container {
  const env = mergeEnv(fn.env, extraEnv);
  // Knative probes must not name a port other than the container's; a number works for both.
  const probe = (extra: Partial<V1Probe>): V1Probe => ({ tcpSocket: { port: fn.port }, ...extra });
  return {
    name: "function",
    image: fn.image,
    ports: [{ name: portName, containerPort: fn.port, protocol: "TCP" }],
    ...(env.length > 0 ? { env } : {}),
    ...(Object.keys(fn.resources).length > 0 ? { resources: fn.resources } : {}),
    readinessProbe: probe({ periodSeconds: 5 }),
    livenessProbe: probe({ initialDelaySeconds: 10, periodSeconds: 10 }),
  };
}

export function podAnnotations(port: number): Record<string, string> {
  return scrapeAnnotations(port);
}
