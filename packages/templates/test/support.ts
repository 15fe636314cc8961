// Finders over rendered objects, typed for assertions.
import type { V1Deployment, V1Service, V2HorizontalPodAutoscaler } from "@kubernetes/client-node";
import { expect } from "chai";
import type {
  KnativeService,
  PodMonitor,
  RenderedObject,
  RenderResult,
  ServiceMonitor,
} from "../src/index.ts";

type ByKind = {
  Deployment: V1Deployment;
  Service: V1Service;
  HorizontalPodAutoscaler: V2HorizontalPodAutoscaler;
  KnativeService: KnativeService;
  ServiceMonitor: ServiceMonitor;
  PodMonitor: PodMonitor;
};

/** The objects of a successful render (fails the test otherwise). */
export function objectsOf(result: RenderResult): RenderedObject[] {
  if (!result.ok)
    return expect.fail(
      `render failed: ${result.error.code} at ${result.error.path}: ${result.error.message}`,
    );
  return result.objects;
}

/** Objects of one kind; "KnativeService" means serving.knative.dev Service. */
export function ofKind<K extends keyof ByKind>(objects: readonly RenderedObject[], kind: K): ByKind[K][] {
  return objects.filter((o) =>
    kind === "KnativeService"
      ? o.apiVersion === "serving.knative.dev/v1"
      : o.kind === kind && o.apiVersion !== "serving.knative.dev/v1",
  ) as ByKind[K][];
}

export function one<K extends keyof ByKind>(
  objects: readonly RenderedObject[],
  kind: K,
  name: string,
): ByKind[K] {
  const found = ofKind(objects, kind).filter((o) => o.metadata?.name === name);
  expect(
    found,
    `${kind} ${name} among ${objects.map((o) => `${o.kind ?? ""}/${o.metadata?.name ?? ""}`).join(", ")}`,
  ).to.have.length(1);
  return found[0] as ByKind[K];
}

/** env of the first container of a pod template, as a map. */
export function envOf(
  containers: { env?: { name: string; value?: string }[] }[] | undefined,
): Record<string, string> {
  return Object.fromEntries((containers?.[0]?.env ?? []).map((e) => [e.name, e.value ?? ""]));
}
