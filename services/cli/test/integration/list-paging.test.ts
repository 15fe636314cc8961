// oaasctl against the real PM (a `pm` process, memory storage) whose list routes answer
// bounded pages (@oaas/pm-api paging.ts): `package list` prints every package however many
// pages the PM splits them into, and --limit / --offset mean what they meant before
// paging (at most n in all, from the n-th), even past the PM's largest page.
import { defaultPageSize } from "@oaas/models";
import { startPmProcess, type PmProcess } from "@oaas/testkit";
import { expect } from "chai";
import { buildCli, oaasctl, removeCli } from "../support/run-cli.ts";

const padded = (i: number) => String(i).padStart(3, "0");

describe("oaasctl lists page through the real PM", function () {
  this.timeout(120_000);
  const total = 2 * defaultPageSize + 30;
  const all = [...Array(total).keys()].map((i) => `p${padded(i)}`);
  let pm: PmProcess | undefined;

  before(async function () {
    await buildCli();
    // Seeding is not about the write limit.
    const started = await startPmProcess({ OPRC_PM_WRITE_RATE_PER_SEC: "100000" });
    pm = started;
    for (const name of all) {
      const res = await fetch(`${started.url}/api/v1/packages`, {
        method: "POST",
        headers: { authorization: `Bearer ${started.token ?? ""}`, "content-type": "application/json" },
        body: JSON.stringify({ name, metadata: { tags: ["t"] } }),
      });
      expect(res.status, await res.text()).to.equal(201);
    }
  });
  after(async function () {
    await pm?.stop();
    await removeCli();
  });

  const running = (): PmProcess => {
    if (!pm) throw new Error("the PM did not start");
    return pm;
  };
  const list = async (...args: string[]): Promise<string[]> => {
    const pm = running();
    const run = await oaasctl(["package", "list", "-o", "json", ...args], pm.url, {
      OAAS_TOKEN: pm.token ?? "",
    });
    expect(run.code, run.stderr).to.equal(0);
    return (JSON.parse(run.stdout) as { name: string }[]).map((p) => p.name);
  };

  it(`package list prints all ${total} packages (three PM pages), in name order`, async function () {
    const pm = running();
    const first = await fetch(`${pm.url}/api/v1/packages`, {
      headers: { authorization: `Bearer ${pm.token ?? ""}` },
    });
    expect(((await first.json()) as unknown[]).length, "the PM's page").to.equal(defaultPageSize);
    expect(await list()).to.deep.equal(all);
    const table = await oaasctl(["package", "list"], pm.url, { OAAS_TOKEN: pm.token ?? "" });
    expect(table.code, table.stderr).to.equal(0);
    const rows = table.stdout.trim().split("\n");
    expect(rows).to.have.length(total + 1);
    expect(rows.at(-1)).to.match(new RegExp(`^p${padded(total - 1)}\\b`));
  });

  it("--limit and --offset bound the whole list, across pages", async function () {
    expect(await list("--limit", String(defaultPageSize + 20))).to.deep.equal(
      all.slice(0, defaultPageSize + 20),
    );
    expect(await list("--offset", "50", "--limit", String(defaultPageSize * 2))).to.deep.equal(
      all.slice(50, 50 + defaultPageSize * 2),
    );
    expect(await list("--offset", String(total - 3))).to.deep.equal(all.slice(total - 3));
    expect(await list("--tags", "t", "--limit", "5")).to.deep.equal(all.slice(0, 5));
  });
});
