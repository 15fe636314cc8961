// Container resources from a ProvisionConfig: each quantity parsed, none negative, and
// no request above its limit (the API server would refuse the pod, far from the cause).
import type { ProvisionConfig } from "@oaas/crd";
import { fail, ok, type Result } from "./errors.ts";
import { compareQuantities, parseQuantity, quantityProblem, type Quantity } from "@oaas/kube-rules";

export interface Resources {
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
}

type Field = "cpu_request" | "memory_request" | "cpu_limit" | "memory_limit";

/** The resources block for a container (fields absent when not set), or the first bad field. */
export function checkResources(pc: ProvisionConfig, path: string): Result<Resources> {
  const parsed = new Map<Field, Quantity>();
  for (const field of ["cpu_request", "memory_request", "cpu_limit", "memory_limit"] as const) {
    const text = pc[field];
    if (text === undefined) continue;
    const problem =
      typeof text === "string"
        ? quantityProblem(text)
        : `${JSON.stringify(text)} is not a Kubernetes quantity`;
    const quantity = typeof text === "string" ? parseQuantity(text) : undefined;
    if (problem !== undefined || quantity === undefined)
      return fail("InvalidQuantity", `${path}.${field}`, problem ?? "is not a Kubernetes quantity");
    parsed.set(field, quantity);
  }
  for (const [request, limit] of [
    ["cpu_request", "cpu_limit"],
    ["memory_request", "memory_limit"],
  ] as const) {
    const r = parsed.get(request);
    const l = parsed.get(limit);
    if (r !== undefined && l !== undefined && compareQuantities(r, l) > 0) {
      return fail(
        "RequestExceedsLimit",
        `${path}.${request}`,
        `${request} ${pc[request]} is above ${limit} ${pc[limit]}`,
      );
    }
  }
  const requests = pick({ cpu: pc.cpu_request, memory: pc.memory_request });
  const limits = pick({ cpu: pc.cpu_limit, memory: pc.memory_limit });
  return ok({ ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) });
}

function pick(values: {
  cpu?: string | undefined;
  memory?: string | undefined;
}): { cpu?: string; memory?: string } | undefined {
  const out: { cpu?: string; memory?: string } = {};
  if (values.cpu !== undefined) out.cpu = values.cpu;
  if (values.memory !== undefined) out.memory = values.memory;
  return Object.keys(out).length > 0 ? out : undefined;
}
