// The ingress's "accepted" history entry: written with the request's ids, and never able
// to fail or stall a Deploy whose record is already stored (Redis down or slow).
import { captureLogLines } from "@oaas/testkit";
import type { HistoryEntry, HistorySink } from "@oaas/queue";
import { createLogger } from "@oaas/telemetry";
import { expect } from "chai";
import { acceptedHistory, writeHistory } from "../../src/ingress/accepted-history.ts";
import type { AcceptedDeploy } from "../../src/deployments/service.ts";

const event: AcceptedDeploy = {
  namespace: "ns",
  name: "rec",
  deploymentId: "shop",
  generation: 3,
  result: "updated",
  correlationId: "corr-1",
};

function setup(append: HistorySink["append"]) {
  const { lines, stream } = captureLogLines();
  const logger = createLogger({ service: "test", level: "debug", stream });
  return { lines, hook: acceptedHistory({ append }, logger) };
}

describe("ingress: accepted history entry", function () {
  it("appends one accepted entry under the record's name with generation, correlation id and the ingress as worker", async function () {
    const written: { namespace: string; name: string; entry: HistoryEntry }[] = [];
    const { hook, lines } = setup((namespace, name, entry) => {
      written.push({ namespace, name, entry });
      return Promise.resolve();
    });
    await hook(event);
    expect(written).to.have.length(1);
    const [w] = written;
    expect([w?.namespace, w?.name]).to.deep.equal(["ns", "rec"]);
    expect(w?.entry).to.include({ type: "accepted", generation: 3, correlationId: "corr-1" });
    expect(w?.entry.message).to.equal("Deploy updated the record (generation 3)");
    expect(w?.entry.workerId).to.match(/^ingress-.+-\d+$/);
    expect(Number.isNaN(Date.parse(w?.entry.time ?? ""))).to.equal(false);
    expect(lines.filter((l) => l.level === "warn")).to.deep.equal([]);
  });

  it("a failing Redis costs the entry, not the Deploy: resolves and logs a warning with the ids", async function () {
    const { hook, lines } = setup(() => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379")));
    await hook(event);
    const warn = lines.find((l) => l.level === "warn");
    expect(warn).to.include({ deployment_id: "shop", correlation_id: "corr-1" });
    expect(String(warn?.["error"])).to.match(/ECONNREFUSED/);
  });

  it("a Redis that never answers holds the Deploy for at most the bound (1 s)", async function () {
    const { hook, lines } = setup(() => new Promise<void>(() => undefined));
    const started = performance.now();
    await hook(event);
    expect(performance.now() - started).to.be.within(900, 2000);
    expect(lines.find((l) => l.level === "warn")).to.include({ deployment_id: "shop", bound_ms: 1000 });
  });
});

describe("ingress: who asked, in the history entries", function () {
  it("accepted and delete-requested entries name the principal and the end user", async function () {
    const written: HistoryEntry[] = [];
    const { lines, stream } = captureLogLines();
    const logger = createLogger({ service: "test", level: "debug", stream });
    const hooks = writeHistory(
      {
        append: (_namespace, _name, entry) => {
          written.push(entry);
          return Promise.resolve();
        },
      },
      logger,
    );
    const who = { requestedBy: "pm-prod via deployer", onBehalfOf: "alice" };
    await hooks.accepted({ ...event, ...who });
    await hooks.deleteRequested({
      namespace: "ns",
      name: "rec",
      deploymentId: "shop",
      correlationId: "c9",
      ...who,
    });
    await hooks.accepted({ ...event, requestedBy: "ci via admin" });
    expect(written.map((e) => [e.type, e.message])).to.deep.equal([
      ["accepted", "Deploy updated the record (generation 3), accepted by pm-prod via deployer for alice"],
      [
        "delete-requested",
        "DeleteDeployment marked the record for deletion, accepted by pm-prod via deployer for alice",
      ],
      ["accepted", "Deploy updated the record (generation 3), accepted by ci via admin"],
    ]);
    expect(written[1]?.correlationId).to.equal("c9");
    expect(lines.filter((l) => l.level === "warn")).to.deep.equal([]);
  });
});
