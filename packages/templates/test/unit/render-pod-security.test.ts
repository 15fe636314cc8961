// Every pod render() produces (function Deployments on dev/edge/full, Knative revisions,
// ODGM) carries what the Pod Security Standard `restricted` checks, on every container,
// plus no mounted ServiceAccount token. The real admission check is the integration suite
// (test/integration/pod-security.test.ts); this is the fast table over every template.
import type { V1Container } from "@kubernetes/client-node";
import { expect } from "chai";
import { render, restrictedContainerSecurity, restrictedPod, type RenderedObject } from "../../src/index.ts";
import {
  context,
  record,
  withAddon,
  withFeature,
  withFunction,
  withKnative,
  withScale,
  withTemplate,
} from "../fixtures.ts";
import { objectsOf } from "../support.ts";

interface PodTemplate {
  where: string;
  spec: { automountServiceAccountToken?: boolean; securityContext?: unknown; containers: V1Container[] };
}

/** The pod template of every Deployment and Knative Service among `objects`. */
function podTemplates(objects: readonly RenderedObject[]): PodTemplate[] {
  return objects.flatMap((o): PodTemplate[] => {
    const spec = (o.spec as { template?: { spec?: PodTemplate["spec"] } } | undefined)?.template?.spec;
    return spec === undefined ? [] : [{ where: `${o.kind ?? ""}/${o.metadata?.name ?? ""}`, spec }];
  });
}

/**
 * The `restricted` rules these pods could break, restated as the test's oracle
 * (kubernetes.io/docs/concepts/security/pod-security-standards): with no pod-level
 * securityContext, each container must set them itself.
 */
function violations(pod: PodTemplate): string[] {
  const found: string[] = [];
  if (pod.spec.automountServiceAccountToken !== false) found.push("automountServiceAccountToken not false");
  for (const c of pod.spec.containers) {
    const sc = c.securityContext ?? {};
    if (sc.runAsNonRoot !== true) found.push(`${c.name}: runAsNonRoot`);
    if (sc.allowPrivilegeEscalation !== false) found.push(`${c.name}: allowPrivilegeEscalation`);
    if (JSON.stringify(sc.capabilities?.drop) !== '["ALL"]') found.push(`${c.name}: capabilities.drop`);
    if (sc.capabilities?.add !== undefined) found.push(`${c.name}: capabilities.add`);
    if (sc.seccompProfile?.type !== "RuntimeDefault") found.push(`${c.name}: seccompProfile`);
    if (sc.privileged === true) found.push(`${c.name}: privileged`);
  }
  return found;
}

const cases = [
  { template: "dev", ctx: context("dev", withFeature("odgm")) },
  { template: "edge", ctx: context("edge", withFeature("odgm"), withFeature("hpa")) },
  { template: "full", ctx: context("full", withFeature("odgm"), withFeature("hpa")) },
  { template: "knative", ctx: context("full", withFeature("odgm"), withKnative) },
] as const;

describe("templates: every rendered pod passes the restricted Pod Security Standard", () => {
  for (const { template, ctx } of cases) {
    it(`${template} template with ODGM: every pod template, every container`, () => {
      const objects = objectsOf(
        render(
          record(
            "r",
            withTemplate(template),
            withAddon("odgm"),
            withFunction("a", withScale(1, 4)),
            withFunction("b"),
          ),
          ctx,
        ),
      );
      const pods = podTemplates(objects);
      // Two functions plus ODGM: the check covers all three pod templates.
      expect(pods.map((p) => p.where)).to.have.length(3);
      for (const pod of pods) {
        expect(violations(pod), pod.where).to.deep.equal([]);
        // Knative drops a pod-level securityContext unless a feature flag is on: none is rendered.
        expect(pod.spec.securityContext, pod.where).to.equal(undefined);
      }
    });
  }

  it("restrictedPod overrides what a container says against the standard and keeps the rest", () => {
    const pod = restrictedPod({
      containers: [
        {
          name: "c",
          image: "i",
          securityContext: { allowPrivilegeEscalation: true, readOnlyRootFilesystem: true },
        },
      ],
    });
    expect(pod.automountServiceAccountToken).to.equal(false);
    expect(pod.containers[0]?.securityContext).to.deep.equal(
      Object.assign({ readOnlyRootFilesystem: true }, restrictedContainerSecurity()),
    );
  });

  it("the oracle has teeth: an un-hardened pod shows each violation", () => {
    const bare: PodTemplate = { where: "bare", spec: { containers: [{ name: "c", image: "i" }] } };
    expect(violations(bare)).to.have.length(5);
  });
});
