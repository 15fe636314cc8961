// ListClassRuntimes never answers more than default clients accept.
import type { DeploymentRecord } from "@oaas/crd";
import { expect } from "chai";
import { DeploymentError } from "../../src/deployments/errors.ts";
import { defaultPageSize, filterAndPage, maxListResponseBytes, pageOf } from "../../src/deployments/list.ts";

const record = (i: number, descriptionBytes = 0): DeploymentRecord => ({
  apiVersion: "oaas.io/v1alpha1",
  kind: "DeploymentRecord",
  metadata: { name: `r${String(i).padStart(5, "0")}` },
  spec: {
    deployment_id: `r${i}`,
    functions: [{ function_key: "f", description: "d".repeat(descriptionBytes) }],
  },
});

describe("crm ListClassRuntimes bounds", function () {
  it(`no limit means a page of ${defaultPageSize}; offset pages on`, function () {
    const all = Array.from({ length: 250 }, (_, i) => record(i));
    expect(filterAndPage(all, {})).to.have.length(defaultPageSize);
    expect(filterAndPage(all, { limit: 0 })).to.have.length(defaultPageSize);
    expect(filterAndPage(all, { offset: 200 }).map((r) => r.metadata.name)[0]).to.equal("r00200");
    expect(filterAndPage(all, { limit: 1000 })).to.have.length(250);
  });

  it("a page over the 4 MiB bound is RESOURCE_EXHAUSTED naming a limit that fits and how to page", function () {
    // Ten records of ~500 KiB (the largest unit Deploy accepts is 512 KiB): ~5 MiB.
    const page = Array.from({ length: 10 }, (_, i) => record(i, 500 * 1024));
    let error: unknown;
    try {
      pageOf(page, { offset: 20 });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(DeploymentError);
    const e = error as DeploymentError;
    expect(e.code).to.equal("resourceExhausted");
    expect(e.message).to.contain("limit <= 8").and.to.contain("offset (now 20)");
    // The same as data: the ingress sends it as the oaas.crm.v1.PageTooLarge detail.
    expect(e.pageHint).to.deep.equal({ maxLimit: 8, offset: 20, maxBytes: maxListResponseBytes });
    const fits = page.slice(0, 8);
    expect(pageOf(fits, {})).to.equal(fits);
    expect(fits.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r.spec)), 0)).to.be.at.most(
      maxListResponseBytes,
    );
  });
});
