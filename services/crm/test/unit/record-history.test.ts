// oaas.crm.v1.RecordDetailService.GetHistory through the ingress's own request pipeline
// (support/record-detail-server.ts), over an in-memory history source (a fake inside a
// unit; the pipeline and drift suites read real Redis): each entry's fields carried, the
// limit and the namespace (x-namespace) passed on, the refusals, Redis failing, and a CRM
// that keeps no history.
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { recordName } from "@oaas/crd";
import { GetHistoryResponseSchema } from "@oaas/proto";
import type { HistoryEntry } from "@oaas/queue";
import { expect } from "chai";
import type { HistorySource } from "../../src/deployments/history.ts";
import { expectCode } from "../support/expect.ts";
import {
  noRecords,
  startRecordDetailServer,
  type RecordDetailServer,
} from "../support/record-detail-server.ts";

const entry = (message: string, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  type: "applied",
  time: "2026-01-01T00:00:00.000Z",
  message,
  ...extra,
});

describe("crm RecordDetailService.GetHistory", function () {
  this.timeout(20_000);
  let server: RecordDetailServer;
  /** A CRM without a history store. */
  let bare: RecordDetailServer;
  const historyReads: { namespace: string; name: string; limit?: number }[] = [];
  let historyFailing = false;
  const history: HistorySource = {
    read: (namespace, name, options = {}) => {
      historyReads.push({ namespace, name, ...(options.limit ? { limit: options.limit } : {}) });
      if (historyFailing) return Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379"));
      return Promise.resolve(
        name === recordName("known-a")
          ? [
              entry("one", {
                type: "accepted",
                startedAt: "2025-12-31T23:59:59.000Z",
                generation: 3,
                correlationId: "corr-1",
                workerId: "ingress-x-1",
              }),
              entry("two", { type: "failed", reason: "ImagePullFailed", objects: ["Deployment/a"] }),
            ]
          : [],
      );
    },
  };

  before(async function () {
    server = await startRecordDetailServer({ store: noRecords, history });
    bare = await startRecordDetailServer({ store: noRecords });
  });
  after(async function () {
    await server.close();
    await bare.close();
  });
  beforeEach(function () {
    historyReads.length = 0;
    historyFailing = false;
  });
  const client = () => server.client;

  it("a known id: every entry, oldest first, each field carried; the configured namespace", async function () {
    const res = await client().getHistory({ deploymentId: "known-a" });
    expect(res).to.deep.equal(
      create(GetHistoryResponseSchema, {
        deploymentId: "known-a",
        namespace: "home",
        entries: [
          {
            type: "accepted",
            time: "2026-01-01T00:00:00.000Z",
            startedAt: "2025-12-31T23:59:59.000Z",
            generation: 3n,
            correlationId: "corr-1",
            workerId: "ingress-x-1",
            message: "one",
          },
          {
            type: "failed",
            time: "2026-01-01T00:00:00.000Z",
            reason: "ImagePullFailed",
            message: "two",
            objects: ["Deployment/a"],
          },
        ],
      }),
    );
    expect(historyReads).to.deep.equal([{ namespace: "home", name: recordName("known-a") }]);
  });

  it("limit and x-namespace are passed on", async function () {
    const res = await client().getHistory(
      { deploymentId: "known-a", limit: 5 },
      { headers: { "x-namespace": "other" } },
    );
    expect(res.namespace).to.equal("other");
    expect(historyReads).to.deep.equal([{ namespace: "other", name: recordName("known-a"), limit: 5 }]);
  });

  it("an id without history: OK with no entries", async function () {
    const res = await client().getHistory({ deploymentId: "nope" });
    expect(res.entries).to.deep.equal([]);
  });

  const refused: {
    name: string;
    deploymentId: string;
    limit?: number;
    namespace?: string;
    error: RegExp;
  }[] = [
    { name: "limit 0", deploymentId: "known-a", limit: 0, error: /^limit: must be a whole number from 1/ },
    { name: "limit over 10000", deploymentId: "known-a", limit: 10_001, error: /^limit: .* to 10000$/ },
    {
      name: "an id with whitespace",
      deploymentId: "a b",
      error: /^deployment_id: must not contain whitespace/,
    },
    {
      name: "a namespace that is not a DNS-1123 label",
      deploymentId: "known-a",
      namespace: "a.b",
      error: /^x-namespace: "a\.b" is not a valid namespace name/,
    },
  ];
  for (const row of refused) {
    it(`${row.name}: INVALID_ARGUMENT, nothing read`, async function () {
      const headers = row.namespace ? { headers: { "x-namespace": row.namespace } } : {};
      const error = await expectCode(
        client().getHistory(
          { deploymentId: row.deploymentId, ...(row.limit !== undefined ? { limit: row.limit } : {}) },
          headers,
        ),
        Code.InvalidArgument,
      );
      expect(error.rawMessage).to.match(row.error);
      expect(historyReads).to.deep.equal([]);
    });
  }

  it("Redis failing: UNAVAILABLE with the cause", async function () {
    historyFailing = true;
    const error = await expectCode(client().getHistory({ deploymentId: "known-a" }), Code.Unavailable);
    expect(error.rawMessage).to.equal(
      "cannot read the history from Redis: connect ECONNREFUSED 127.0.0.1:6379",
    );
  });

  it("a CRM without a history store: UNIMPLEMENTED; its GetStatusDetail is served all the same", async function () {
    await expectCode(bare.client.getHistory({ deploymentId: "known-a" }), Code.Unimplemented);
    await expectCode(bare.client.getStatusDetail({ deploymentId: "known-a" }), Code.NotFound);
  });
});
