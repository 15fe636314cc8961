// What a convergence benchmark run is made of (converge.ts): its settings, from the
// arguments and BENCH_* variables described there, and the DeploymentUnit each record is.
import { create } from "@bufbuild/protobuf";
import type { ResourceType } from "@oaas/kube";
import {
  DeploymentUnitSchema,
  FunctionDeploymentSpecSchema,
  OdgmConfigSchema,
  ProvisionConfigSchema,
} from "@oaas/proto";

export const units = Number(process.argv[2] ?? process.env["BENCH_UNITS"] ?? 20);
export const reconcilerCounts = (process.argv[3] ?? process.env["BENCH_RECONCILERS"] ?? "1,2,4")
  .split(",")
  .map(Number);
export const concurrency = Number(process.env["BENCH_CONCURRENCY"] ?? 16);
// Parallel reconciles per reconciler process (OPRC_CRM_RECONCILE_CONCURRENCY); unset = the profile's default.
export const reconcileConcurrency = process.env["BENCH_RECONCILE_CONCURRENCY"];
export const kubeMaxInFlight = process.env["BENCH_KUBE_MAX_IN_FLIGHT"];
// The watcher's settle delay of child health events (OPRC_CRM_CHILD_SETTLE_MS); unset = the profile's default.
export const childSettleMs = process.env["BENCH_CHILD_SETTLE_MS"];
export const timeoutMs = Number(process.env["BENCH_TIMEOUT_S"] ?? 900) * 1000;
export const floorFieldManager = "oaas-bench-floor";
export const deployments: ResourceType = {
  group: "apps",
  version: "v1",
  plural: "deployments",
  namespaced: true,
};

/** Unit i: two functions and the ODGM addon with one collection. */
export function unit(id: string) {
  const fn = (key: string) =>
    create(FunctionDeploymentSpecSchema, {
      functionKey: key,
      provisionConfig: create(ProvisionConfigSchema, { containerImage: "ghcr.io/oaas/bench:1", port: 8080 }),
    });
  return create(DeploymentUnitSchema, {
    id,
    packageName: "bench",
    classKey: "Bench",
    targetEnv: "dev",
    functions: [fn("cart"), fn("checkout")],
    odgmConfig: create(OdgmConfigSchema, { collections: ["orders"] }),
  });
}
export const unitId = (i: number) => `conv-${i}`;
