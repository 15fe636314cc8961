// API servers before 1.31 (or with CustomResourceFieldSelectors off)
// answer 400 to a field selector on a custom resource. ListClassRuntimes must then list
// by label only and filter in memory. The "old API server" is a small HTTP server that
// answers exactly as a 1.30 kube-apiserver does for that request (a fake: no old
// Kubernetes can run here); everything above the HTTP socket is the real code.
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as k8s from "@kubernetes/client-node";
import type { DeploymentRecord } from "@oaas/crd";
import { KubeClient } from "@oaas/kube";
import { expect } from "chai";
import { DeploymentsService, type RequestScope } from "../../src/deployments/service.ts";
import { kubeRecordStore } from "../../src/deployments/store.ts";

const record = (id: string, pkg: string): DeploymentRecord => ({
  apiVersion: "oaas.io/v1alpha1",
  kind: "DeploymentRecord",
  metadata: { name: id, namespace: "ns", labels: { "oaas.io/deployment-id": id } },
  spec: { deployment_id: id, package_name: pkg, functions: [] },
});

describe("crm ListClassRuntimes on an API server without CRD field selectors", function () {
  const requests: string[] = [];
  let server: http.Server;
  let kube: KubeClient;
  before(async function () {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      requests.push(url.search);
      res.setHeader("content-type", "application/json");
      if (url.searchParams.has("fieldSelector")) {
        // What kube-apiserver 1.30 answers for spec.* on a custom resource.
        res.statusCode = 400;
        res.end(
          JSON.stringify({
            kind: "Status",
            apiVersion: "v1",
            status: "Failure",
            message: `Unable to find "oaas.io/v1alpha1, Resource=deploymentrecords" that match label selector "oaas.io/deployment-id", field selector "${url.searchParams.get("fieldSelector") ?? ""}": field label not supported: spec.package_name`,
            reason: "BadRequest",
            code: 400,
          }),
        );
        return;
      }
      res.end(
        JSON.stringify({
          kind: "DeploymentRecordList",
          items: [record("a", "p1"), record("b", "p2")],
          metadata: {},
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: "old",
          server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          skipTLSVerify: true,
        },
      ],
      users: [{ name: "u" }],
      contexts: [{ name: "old", cluster: "old", user: "u" }],
      currentContext: "old",
    });
    kube = await KubeClient.create(kc);
  });
  after(async function () {
    await kube.close();
    server.close();
  });

  it("falls back to the label selector and filters in memory", async function () {
    const service = new DeploymentsService(kubeRecordStore(kube), { odgm: false, knative: false });
    const scope: RequestScope = { namespace: "ns", correlationId: "c", signal: new AbortController().signal };
    const found = await service.list({ packageName: "p2" }, scope);
    expect(found.map((r) => r.spec.deployment_id)).to.deep.equal(["b"]);
    expect(requests).to.have.length(2);
    expect(requests[0]).to.contain("fieldSelector=spec.package_name%3Dp2");
    expect(requests[1]).not.to.contain("fieldSelector");
  });
});
