// Helpers of the chart render suites (chart-render*.test.ts): `helm template` with the dev
// values, and typed views of the pod specs they read.
import { runHelm } from "@oaas/testkit";
import { chartDir, charts, valuesArgs, type Manifest, type ValueCase } from "../../charts/charts.ts";

/** How a value case reads in a test title. */
export function describeCase(which: ValueCase): string {
  return which === "default" ? "the defaults (no values)" : `ci/${which}-values.yaml`;
}

/** `helm template` of `chart` with the dev values plus `args`. */
export function template(chart: (typeof charts)[number], args: readonly string[]) {
  return runHelm(["template", "x", chartDir(chart), ...valuesArgs(chart, "dev"), ...args]);
}

/** The parts of a container these tests read. */
export interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
}

/** The parts of a pod spec these tests read. */
export interface PodSpec {
  containers: Container[];
  volumes?: { name: string; secret?: { secretName?: string } }[];
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type?: string } };
  topologySpreadConstraints?: unknown[];
}

/** The pod spec of a Deployment or StatefulSet. */
export function podOf(workload: Manifest): PodSpec {
  return (workload.spec?.["template"] as { spec: PodSpec }).spec;
}

/** Every Deployment and StatefulSet with its pod spec. */
export function podTemplates(objects: Manifest[]): { kind: string; name: string; pod: PodSpec }[] {
  return objects
    .filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")
    .map((o) => ({ kind: o.kind, name: o.metadata.name, pod: podOf(o) }));
}
