// The fields the enforcer owns, read from managedFields: the watcher leaves their changes
// out of an "edit" (an enforcement is no drift and needs no reconcile), and nothing else.
// The fieldsV1 shapes are those the API server writes for the enforcer's applies
// (checked against the real API server by test/integration/enforcer.test.ts).
import { expect } from "chai";
import { enforcerFieldManager, withoutFields } from "../../src/children/enforcer-fields.ts";
import { childChange } from "../../src/watcher/index.ts";

const enforcerEntry = (fieldsV1: Record<string, unknown>) => ({
  manager: enforcerFieldManager,
  operation: "Apply",
  apiVersion: "apps/v1",
  fieldsV1,
});
const replicasOwned = enforcerEntry({ "f:spec": { "f:replicas": {} } });
const requestsOwned = enforcerEntry({
  "f:spec": {
    "f:template": {
      "f:spec": {
        "f:containers": {
          'k:{"name":"function"}': {
            ".": {},
            "f:name": {},
            "f:resources": { "f:requests": { "f:cpu": {} } },
          },
        },
      },
    },
  },
});

const deployment = (
  replicas: number,
  cpu: string | undefined,
  managedFields: unknown[],
  image = "img:1",
) => ({
  metadata: { name: "d", resourceVersion: "1", managedFields },
  spec: {
    replicas,
    template: {
      spec: {
        containers: [
          { name: "function", image, ...(cpu ? { resources: { requests: { cpu } } } : {}) },
          { name: "sidecar", image: "s", resources: { requests: { cpu: "10m" } } },
        ],
      },
    },
  },
  status: {},
});

describe("enforcer: owned fields", function () {
  it("withoutFields drops the owned leaves only (other containers and fields stay)", function () {
    const obj = deployment(3, "250m", []);
    const out = withoutFields(obj, [replicasOwned.fieldsV1, requestsOwned.fieldsV1]);
    expect(out.spec).to.deep.equal({
      template: {
        spec: {
          containers: [
            { name: "function", image: "img:1", resources: { requests: {} } },
            { name: "sidecar", image: "s", resources: { requests: { cpu: "10m" } } },
          ],
        },
      },
    });
    expect(obj.spec.replicas, "the input is not modified").to.equal(3);
  });

  it("the Knative min-scale annotation (a key with dots and a slash) is one leaf", function () {
    const fields = {
      "f:spec": {
        "f:template": { "f:metadata": { "f:annotations": { "f:autoscaling.knative.dev/min-scale": {} } } },
      },
    };
    const obj = {
      spec: {
        template: {
          metadata: {
            annotations: { "autoscaling.knative.dev/min-scale": "3", "prometheus.io/port": "8080" },
          },
        },
      },
    };
    expect(withoutFields(obj, [fields]).spec.template.metadata.annotations).to.deep.equal({
      "prometheus.io/port": "8080",
    });
  });

  const rows = [
    {
      name: "the enforcer's replicas change",
      before: deployment(2, undefined, [replicasOwned]),
      after: deployment(3, undefined, [replicasOwned]),
      want: "none",
    },
    {
      name: "the enforcer's first replicas change (the old object had no entry of it)",
      before: deployment(2, undefined, []),
      after: deployment(3, undefined, [replicasOwned]),
      want: "none",
    },
    {
      name: "the enforcer's CPU request change",
      before: deployment(2, "100m", [requestsOwned]),
      after: deployment(2, "250m", [requestsOwned]),
      want: "none",
    },
    {
      name: "replicas changed while another manager owns them (kubectl scale)",
      before: deployment(2, undefined, [
        { manager: "kubectl", operation: "Update", fieldsV1: { "f:spec": { "f:replicas": {} } } },
      ]),
      after: deployment(3, undefined, [
        { manager: "kubectl", operation: "Update", fieldsV1: { "f:spec": { "f:replicas": {} } } },
      ]),
      want: "edited",
    },
    {
      name: "the image changed beside an enforced replicas value",
      before: deployment(3, undefined, [replicasOwned]),
      after: deployment(3, undefined, [replicasOwned], "img:2"),
      want: "edited",
    },
    {
      name: "another container's request changed",
      before: deployment(2, "100m", [requestsOwned]),
      after: {
        ...deployment(2, "100m", [requestsOwned]),
        spec: {
          replicas: 2,
          template: {
            spec: {
              containers: [
                { name: "function", image: "img:1", resources: { requests: { cpu: "100m" } } },
                { name: "sidecar", image: "s", resources: { requests: { cpu: "20m" } } },
              ],
            },
          },
        },
      },
      want: "edited",
    },
  ] as const;
  for (const row of rows)
    it(`watcher: ${row.name} -> ${row.want}`, function () {
      expect(childChange(row.before, row.after)).to.equal(row.want);
    });
});
