// Property: for random valid records and contexts, every rendered object has a valid
// name, the owner label, exactly one controller owner reference, and every selector
// matches the pods it is meant to select (and no Deployment's pods match another's).
import type { V1Deployment } from "@kubernetes/client-node";
import {
  apiVersion,
  kind,
  labelValue,
  ownerLabel,
  type DeploymentRecord,
  type FunctionSpec,
} from "@oaas/crd";
import { isDns1035Label, isLabelValue } from "@oaas/kube-rules";
import { expect } from "chai";
import fc from "fast-check";
import { render, templateNames, type RenderContext, type RenderedObject } from "../../src/index.ts";
import { ofKind } from "../support.ts";

const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/);
// Hand-written records may use any DNS-1123 subdomain, dots and length included.
const recordName = fc.oneof(
  dnsLabel,
  fc
    .array(dnsLabel, { minLength: 2, maxLength: 12 })
    .map((parts) =>
      parts
        .join(".")
        .slice(0, 253)
        .replace(/[.-]+$/, ""),
    )
    .filter((n) => /^[a-z0-9]/.test(n)),
);
const functionKey = fc.oneof(
  dnsLabel,
  fc.string({ minLength: 1, maxLength: 80 }),
  fc.constantFrom("odgm", "metrics", "Function", "a_b", "über"),
);
const quantity = fc.constantFrom(undefined, "100m", "0.5", "128Mi", "1Gi");

const functionSpec: fc.Arbitrary<FunctionSpec> = fc.record({
  function_key: functionKey.filter((k) => k.trim() !== ""),
  provision_config: fc
    .record(
      {
        container_image: fc.constantFrom("ghcr.io/example/fn:1", "img"),
        port: fc.integer({ min: 1, max: 65535 }),
        need_http2: fc.boolean(),
        max_concurrency: fc.nat(1000),
        min_scale: fc.nat(5),
        max_scale: fc.nat(20),
        cpu_request: quantity,
      },
      { requiredKeys: ["container_image"] },
    )
    .map((pc) => {
      // Keep it valid: min <= max, drop undefined quantities.
      const out = { ...pc };
      if (out.min_scale !== undefined && out.max_scale !== undefined && out.min_scale > out.max_scale)
        delete out.max_scale;
      if (out.cpu_request === undefined) delete out.cpu_request;
      return out;
    }),
  config: fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), fc.string({ maxLength: 20 }), {
    maxKeys: 3,
  }),
});

const recordArb: fc.Arbitrary<DeploymentRecord> = fc
  .record({
    name: recordName,
    functions: fc.uniqueArray(functionSpec, { minLength: 1, maxLength: 4, selector: (f) => f.function_key }),
    template: fc.option(fc.constantFrom(...templateNames, "k8s", "KN"), { nil: undefined }),
    addons: fc.subarray(["odgm", "other"]),
    collections: fc.option(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/), { maxLength: 3 }), {
      nil: undefined,
    }),
    enforce: fc.boolean(),
    deploymentId: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
  })
  .map(({ name, functions, template, addons, collections, enforce, deploymentId }) => ({
    apiVersion,
    kind,
    metadata: { name, namespace: "ns", uid: "4f9c2b7e-1111-2222-3333-444455556666" },
    spec: {
      functions,
      addons,
      ...(template === undefined ? {} : { selected_template: template }),
      ...(collections === undefined ? {} : { odgm_config: { collections } }),
      ...(enforce ? { nfr: { enforcement: { mode: "enforce" as const } } } : {}),
      ...(deploymentId === undefined ? {} : { deployment_id: deploymentId }),
    },
  }));

const contextArb: fc.Arbitrary<RenderContext> = fc.record({
  profile: fc.constantFrom("dev" as const, "edge" as const, "full" as const),
  // Knative always available so an explicit knative never fails the precondition.
  features: fc.record({ odgm: fc.boolean(), hpa: fc.boolean(), knative: fc.constant(true) }),
  capabilities: fc.record({ knativeInstalled: fc.constant(true), prometheusOperatorInstalled: fc.boolean() }),
  monitoring: fc.record({
    scrapeKind: fc.constantFrom(
      "auto" as const,
      "servicemonitor" as const,
      "podmonitor" as const,
      "none" as const,
    ),
    matchLabels: fc.constantFrom<Record<string, string>>({}, { release: "prometheus" }),
  }),
});

const includes = (labels: Record<string, string> | undefined, selector: Record<string, string> | undefined) =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const podLabels = (d: V1Deployment) => d.spec?.template.metadata?.labels;

function checkObjects(record: DeploymentRecord, objects: RenderedObject[]): void {
  const deployments = ofKind(objects, "Deployment");
  for (const object of objects) {
    const meta = object.metadata;
    const name = meta?.name ?? "";
    expect(isDns1035Label(name), `name ${name}`).to.be.true;
    expect(meta?.labels?.[ownerLabel]).to.equal(labelValue(record.metadata.name));
    for (const value of Object.values(meta?.labels ?? {}))
      expect(isLabelValue(value), `label value ${value}`).to.be.true;
    const controllers = (meta?.ownerReferences ?? []).filter((ref) => ref.controller === true);
    expect(meta?.ownerReferences).to.have.length(1);
    expect(controllers).to.have.length(1);
    expect(controllers[0]).to.include({
      kind: "DeploymentRecord",
      name: record.metadata.name,
      uid: record.metadata.uid,
      blockOwnerDeletion: true,
    });
  }
  for (const d of deployments) {
    expect(includes(podLabels(d), d.spec?.selector.matchLabels), `${d.metadata?.name ?? ""} selects its pods`)
      .to.be.true;
    for (const other of deployments) {
      if (other !== d)
        expect(includes(podLabels(other), d.spec?.selector.matchLabels), "selectors overlap").to.be.false;
    }
  }
  for (const svc of ofKind(objects, "Service")) {
    const selected = deployments.filter((d) => includes(podLabels(d), svc.spec?.selector));
    expect(selected, `Service ${svc.metadata?.name ?? ""} selects exactly its Deployment`).to.have.length(1);
    expect(selected[0]?.metadata?.name).to.equal(svc.metadata?.name);
  }
  for (const hpa of ofKind(objects, "HorizontalPodAutoscaler")) {
    expect(deployments.map((d) => d.metadata?.name)).to.include(hpa.spec.scaleTargetRef.name);
  }
  // Knative creates the Services and pods of a Knative Service itself, from its template labels.
  const knativePods = ofKind(objects, "KnativeService").map((k) => k.spec.template.metadata.labels);
  const monitored = [...deployments.map(podLabels), ...knativePods];
  for (const sm of ofKind(objects, "ServiceMonitor")) {
    const targets = [...ofKind(objects, "Service").map((s) => s.metadata?.labels), ...knativePods];
    expect(targets.some((labels) => includes(labels, sm.spec.selector.matchLabels))).to.be.true;
  }
  for (const pm of ofKind(objects, "PodMonitor")) {
    expect(monitored.some((labels) => includes(labels, pm.spec.selector.matchLabels))).to.be.true;
  }
  for (const ksvc of ofKind(objects, "KnativeService")) {
    expect(ksvc.spec.template.metadata.labels[ownerLabel]).to.equal(labelValue(record.metadata.name));
  }
}

describe("templates: render properties", () => {
  it("valid names, owner label, one controller reference, selectors matching their pods", () => {
    fc.assert(
      fc.property(recordArb, contextArb, (record, context) => {
        const result = render(record, context);
        if (!result.ok) throw new Error(`valid record refused: ${JSON.stringify(result.error)}`);
        expect(result.objects.length).to.be.greaterThan(0);
        checkObjects(record, result.objects);
      }),
      { numRuns: 300 },
    );
  });
});
