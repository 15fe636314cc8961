// Every PM list route answers a bounded page (@oaas/pm-api paging.ts): without `limit`
// defaultPageSize items, at most maxPageSize (more is a 400 naming `limit`), the body a
// bare array as reference clients read it, and `Link: <...>; rel="next"` naming the next
// page (with the request's filters) only while more follow. Over the real PM app
// (Fastify, memory storage); lists longer than one default page.
import { defaultPageSize, maxPageSize } from "@oaas/models";
import { nextPagePath } from "@oaas/pm-api";
import { expect } from "chai";
import { deploymentFixture } from "../support/storage-contract.ts";
import { errorOf, type Answer } from "../support/pm.ts";
import { pmSuite } from "../support/pm-suite.ts";

const names = (answer: Answer, field = "name"): string[] =>
  (answer.json as Record<string, string>[]).map((item) => item[field] ?? "");
const padded = (i: number) => String(i).padStart(3, "0");

describe("pm REST: list routes answer bounded pages with a next link", function () {
  this.timeout(60_000);
  const suite = pmSuite();
  const total = defaultPageSize + 37;

  /** Every page from `path` on, following Link rel="next"; returns each page's items. */
  async function walk(path: string, field = "name"): Promise<string[][]> {
    const pages: string[][] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const answer = await suite.pm.request("GET", next);
      expect(answer.status, answer.text).to.equal(200);
      expect(Array.isArray(answer.json), "a bare array").to.equal(true);
      pages.push(names(answer, field));
      next = nextPagePath(answer.headers.get("link"));
      expect(pages.length, "pages followed").to.be.below(50);
    }
    return pages;
  }

  beforeEach(async function () {
    // Each package has one class and one function, so the catalog is as long as the list.
    for (let i = 0; i < total; i++) {
      const created = await suite.pm.request("POST", "/api/v1/packages", {
        name: `p${padded(i)}`,
        metadata: { tags: i % 2 === 0 ? ["even"] : [] },
        classes: [{ key: `c${padded(i)}` }],
        functions: [{ key: `f${padded(i)}`, provision_config: { container_image: "ghcr.io/oaas/echo:1" } }],
      });
      expect(created.status, created.text).to.equal(201);
      await suite.pm.storage.createDeployment(deploymentFixture(`d${padded(i)}`), []);
    }
  });

  it(`packages: ${defaultPageSize} without limit, then the rest through the Link header, in name order`, async function () {
    const first = await suite.pm.request("GET", "/api/v1/packages");
    expect(names(first)).to.have.length(defaultPageSize);
    expect(first.headers.get("link")).to.equal(
      `</api/v1/packages?limit=${defaultPageSize}&offset=${defaultPageSize}>; rel="next"`,
    );
    const pages = await walk("/api/v1/packages");
    expect(pages.map((p) => p.length)).to.deep.equal([defaultPageSize, total - defaultPageSize]);
    expect(pages.flat()).to.deep.equal([...Array(total).keys()].map((i) => `p${padded(i)}`));
  });

  it("deployments, classes, functions: the same pages; filters carry over to the next link", async function () {
    const keys = (await walk("/api/v1/deployments?limit=50", "key")).flat();
    expect(keys).to.deep.equal([...Array(total).keys()].map((i) => `d${padded(i)}`));
    const classes = await walk("/api/v1/classes?limit=40", "key");
    expect(classes.map((p) => p.length)).to.deep.equal([40, 40, 40, total - 120]);
    expect((await walk("/api/v1/functions", "key")).flat()).to.have.length(total);
    const even = await suite.pm.request("GET", "/api/v1/packages?tags=even&limit=30&offset=5");
    expect(even.headers.get("link")).to.equal('</api/v1/packages?tags=even&limit=30&offset=35>; rel="next"');
    const evenPages = await walk("/api/v1/packages?tags=even&limit=30");
    expect(evenPages.flat()).to.have.length(Math.ceil(total / 2));
    expect(evenPages.flat().every((n) => Number(n.slice(1)) % 2 === 0)).to.equal(true);
  });

  it("the last page (exactly full or short) has no next link; limit=0 answers an empty page", async function () {
    const last = await suite.pm.request("GET", `/api/v1/packages?offset=${total - 10}&limit=10`);
    expect(names(last)).to.have.length(10);
    expect(last.headers.get("link")).to.equal(null);
    const beyond = await suite.pm.request("GET", `/api/v1/packages?offset=${total + 5}`);
    expect(beyond.json).to.deep.equal([]);
    expect(beyond.headers.get("link")).to.equal(null);
    const none = await suite.pm.request("GET", "/api/v1/deployments?limit=0");
    expect(none.json).to.deep.equal([]);
    expect(none.headers.get("link")).to.equal(null);
  });

  it(`limit is at most ${maxPageSize}: more is a 400 naming limit on every list route`, async function () {
    for (const base of [
      "/api/v1/packages",
      "/api/v1/deployments",
      "/api/v1/classes",
      "/api/v1/functions",
      "/api/v1/class-runtimes",
      "/api/v1/deployment-records",
    ]) {
      const over = await suite.raw("GET", `${base}?limit=${maxPageSize + 1}`);
      expect(over.status, base).to.equal(400);
      expect(errorOf(over), base).to.equal(`invalid query: limit: must be <= ${maxPageSize}`);
    }
    const most = await suite.pm.request("GET", `/api/v1/packages?limit=${maxPageSize}`);
    expect(names(most)).to.have.length(total);
    expect(most.headers.get("link")).to.equal(null);
  });
});
