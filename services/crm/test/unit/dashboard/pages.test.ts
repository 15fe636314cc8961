import type { Condition, DeploymentRecord } from "@oaas/crd";
import type { HistoryEntry } from "@oaas/queue";
import { expect } from "chai";
import { recordLink } from "../../../src/dashboard/board.ts";
import { age } from "../../../src/dashboard/layout.ts";
import { recordPage } from "../../../src/dashboard/record-page.ts";
import { recordRows, recordsPage } from "../../../src/dashboard/records-page.ts";

const xss = `<script>alert("pwned")</script><img src=x onerror=alert(1)>`;
const now = new Date("2026-11-30T03:00:00Z");

function condition(
  type: Condition["type"],
  status: Condition["status"],
  reason: string,
  message = "",
): Condition {
  return { type, status, reason, message, lastTransitionTime: "2026-11-30T02:00:00Z", observedGeneration: 1 };
}

function record(name: string, ...conditions: Condition[]): DeploymentRecord {
  return {
    apiVersion: "oaas.io/v1alpha1",
    kind: "DeploymentRecord",
    metadata: { name, namespace: "prod", generation: 1, uid: "u-1" },
    spec: { deployment_id: name },
    status: { conditions },
  };
}

/** The page without its markup: what a person reads. */
function textOf(page: string): string {
  return page.replace(/<style>[^]*?<\/style>/g, "").replace(/<[^>]*>/g, " ");
}

describe("dashboard record pages", function () {
  const failing = record(
    "shop",
    condition("Available", "False", "ImagePullFailed", xss),
    condition("Progressing", "False", "Stalled"),
    condition("Degraded", "True", "ImagePullFailed", xss),
  );
  const history: HistoryEntry[] = [
    {
      type: "failed",
      time: "2026-11-30T02:59:00.000Z",
      reason: "ImagePullFailed",
      message: xss,
      correlationId: "c-1",
    },
    {
      type: "applied",
      time: "2026-11-30T02:00:00.000Z",
      message: "applied 2 objects",
      objects: ["Deployment/shop-fn"],
    },
  ];

  it("renders conditions, functions and history with every record field escaped", function () {
    const failingWithFunctions = {
      ...failing,
      status: {
        ...failing.status,
        functions: [
          {
            function_key: "fn<1>",
            ready: false,
            reason: "CrashLoop",
            message: xss,
            url: "http://shop-fn.prod.svc",
          },
        ],
      },
    } as DeploymentRecord;
    const page = recordPage({
      basePath: "/ops/",
      namespace: "prod",
      name: "shop",
      record: failingWithFunctions,
      history,
      queueNames: ["reconcile"],
      now,
    }).text;
    expect(page).not.to.contain("<script>alert");
    expect(page).not.to.contain("<img src=x");
    expect(page).to.contain("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;");
    expect(page).to.contain("fn&lt;1&gt;");
    const text = textOf(page);
    expect(text).to.contain("Degraded");
    expect(text).to.contain("ImagePullFailed");
    expect(text).to.contain("CrashLoop");
    expect(text).to.contain("applied 2 objects");
    expect(text).to.contain("Deployment/shop-fn");
    expect(page).to.contain(`href="/ops/queue/reconcile"`);
    // No script of our own either: the pages work without JavaScript.
    expect(page).not.to.match(/<script/i);
  });

  it("shows the history of a record that no longer exists", function () {
    const page = recordPage({
      basePath: "/",
      namespace: "prod",
      name: "gone",
      record: undefined,
      history,
      queueNames: [],
      now,
    }).text;
    expect(page).to.contain(`id="missing"`);
    expect(textOf(page)).to.contain("applied 2 objects");
  });

  it("says when the history cannot be read", function () {
    const page = recordPage({
      basePath: "/",
      namespace: "prod",
      name: "shop",
      record: failing,
      history: { error: "connect ECONNREFUSED <redis>" },
      queueNames: [],
      now,
    }).text;
    expect(page).to.contain("History unavailable: connect ECONNREFUSED &lt;redis&gt;");
  });

  it("lists records that are not Available, worst first, with escaped reasons and messages", function () {
    const available = record(
      "ok",
      condition("Available", "True", "Ready"),
      condition("Progressing", "False", "Done"),
      condition("Degraded", "False", "None"),
    );
    const progressing = record(
      "rolling",
      condition("Available", "False", "Rollout"),
      condition("Progressing", "True", "Rollout", "1 of 3 ready"),
    );
    const invalid = record(
      "bad-spec",
      condition("Degraded", "True", "InvalidSpec", "functions[0].image is empty"),
    );
    const pending = record("new");
    delete (pending as { status?: unknown }).status;
    const rows = recordRows([available, progressing, failing, invalid, pending], false);
    expect(rows.map((r) => [r.record.metadata.name, r.phase])).to.deep.equal([
      ["bad-spec", "Failed"],
      ["shop", "Degraded"],
      ["new", "Pending"],
      ["rolling", "Progressing"],
    ]);
    expect(recordRows([available, progressing], true)).to.have.length(2);
    const page = recordsPage({
      basePath: "/",
      namespaces: ["prod"],
      records: [available, failing, invalid],
      all: false,
      now,
    }).text;
    expect(page).not.to.contain("<script>alert");
    expect(page).to.contain(`href="/records/prod/shop"`);
    expect(page).not.to.contain(`href="/records/prod/ok"`);
    expect(textOf(page)).to.contain("functions[0].image is empty");
    expect(textOf(page)).to.match(/2 of 3 record\(s\) are not Available/);
  });

  it("lists status.functions as the CRD types them: key, ready yes/no, reason, message, URL", function () {
    const withFunctions = {
      ...failing,
      status: {
        ...failing.status,
        functions: [
          { function_key: "a", ready: true, reason: "Available", message: "1/1 ready", url: "http://a" },
          { function_key: "b", ready: false, reason: "RollingOut", message: "0/1 ready" },
        ],
      },
    } as DeploymentRecord;
    const page = recordPage({
      basePath: "/",
      namespace: "prod",
      name: "shop",
      record: withFunctions,
      history: [],
      queueNames: [],
      now,
    }).text;
    const table = /<table id="functions">[\s\S]*?<\/table>/.exec(page)?.[0] ?? "";
    const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map((m) =>
      textOf(m[1] ?? "")
        .replace(/\s+/g, " ")
        .trim(),
    );
    expect(rows).to.deep.equal(["a yes Available 1/1 ready http://a", "b no RollingOut 0/1 ready"]);
    const bare = recordPage({
      basePath: "/",
      namespace: "prod",
      name: "shop",
      record: { ...failing, status: { ...failing.status, functions: [] } },
      history: [],
      queueNames: [],
      now,
    }).text;
    expect(textOf(bare)).to.contain("No per-function status reported.");
  });

  it("links a job to its record page, and no job data to nothing", function () {
    expect(
      recordLink("/ops/", { namespace: "prod", name: "shop", uid: "u", reason: "resync" })?.href,
    ).to.equal("/ops/records/prod/shop");
    expect(recordLink("/", { namespace: "prod" })).to.equal(undefined);
    expect(recordLink("/", "text")).to.equal(undefined);
  });

  it("says how long ago", function () {
    expect(age("2026-11-30T02:58:30Z", now)).to.equal("1m 30s ago");
    expect(age("2026-11-28T01:00:00Z", now)).to.equal("2d 2h ago");
    expect(age("not a time", now)).to.equal("");
  });
});
