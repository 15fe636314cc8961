// The one table of what a failed CRM call blames (crm-failure.ts), code by code, and the
// ListClassRuntimes paging decisions (list-paging.ts).
import { expect } from "chai";
import {
  afterPage,
  afterTooLarge,
  classifyCrmFailure,
  codeName,
  crmAnswerClasses,
  firstPage,
  firstPageLimit,
  grpcCode,
  type GrpcCodeName,
} from "../../src/index.ts";

type Row = readonly [GrpcCodeName, "cluster" | "request", "retry" | "once", "refusal" | "-"];

/** Every gRPC failure code: whose fault, retried or not, and a Deploy refusal or not. */
const rows: readonly Row[] = [
  ["CANCELLED", "cluster", "retry", "-"], // a reset under the call; the caller's own is CALLER
  ["UNKNOWN", "request", "once", "-"],
  ["INVALID_ARGUMENT", "request", "once", "refusal"],
  ["DEADLINE_EXCEEDED", "cluster", "retry", "-"],
  ["NOT_FOUND", "request", "once", "refusal"],
  ["ALREADY_EXISTS", "request", "once", "refusal"],
  ["PERMISSION_DENIED", "request", "once", "refusal"],
  ["RESOURCE_EXHAUSTED", "request", "once", "-"],
  ["FAILED_PRECONDITION", "request", "once", "refusal"],
  ["ABORTED", "request", "retry", "-"],
  ["OUT_OF_RANGE", "request", "once", "refusal"],
  ["UNIMPLEMENTED", "request", "once", "refusal"],
  ["INTERNAL", "request", "once", "-"],
  ["UNAVAILABLE", "cluster", "retry", "-"],
  ["DATA_LOSS", "request", "once", "-"],
  ["UNAUTHENTICATED", "request", "once", "refusal"],
];

describe("models: what a failed CRM call blames", function () {
  it("the rows cover every gRPC failure code (1..16) exactly once, and the table has no others", function () {
    expect(rows.map(([name]) => grpcCode[name]).sort((a, b) => a - b)).to.deep.equal(
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
    expect(Object.keys(crmAnswerClasses).sort()).to.deep.equal(rows.map(([name]) => name).sort());
  });

  for (const [name, blame, retry, refusal] of rows) {
    it(`${name} (${grpcCode[name]}) answered by the CRM: ${blame}, ${retry}, ${refusal}`, function () {
      const verdict = classifyCrmFailure({ code: grpcCode[name], transport: false, callerCancelled: false });
      expect({
        row: verdict.row,
        blame: verdict.blame,
        retry: verdict.retry,
        refusal: verdict.refusal,
      }).to.deep.equal({ row: name, blame, retry: retry === "retry", refusal: refusal === "refusal" });
      expect(verdict.why).to.not.equal("");
    });

    it(`${name} from the transport (refused, reset, TLS): the cluster, retried, never a refusal`, function () {
      const verdict = classifyCrmFailure({ code: grpcCode[name], transport: true, callerCancelled: false });
      expect([verdict.row, verdict.blame, verdict.retry, verdict.refusal]).to.deep.equal([
        "TRANSPORT",
        "cluster",
        true,
        false,
      ]);
    });

    it(`${name} after the PM's caller cancelled: the request, not retried`, function () {
      const verdict = classifyCrmFailure({ code: grpcCode[name], transport: true, callerCancelled: true });
      expect([verdict.row, verdict.blame, verdict.retry, verdict.refusal]).to.deep.equal([
        "CALLER",
        "request",
        false,
        false,
      ]);
    });
  }

  it("no code (a failure outside gRPC) counts against the cluster; OK and unknown numbers have no name", function () {
    expect(classifyCrmFailure({ code: undefined, transport: false, callerCancelled: false })).to.include({
      row: "NO_CODE",
      blame: "cluster",
    });
    expect(classifyCrmFailure({ code: 99, transport: false, callerCancelled: false }).row).to.equal(
      "NO_CODE",
    );
    expect(codeName(0)).to.equal(undefined);
    expect(codeName(14)).to.equal("UNAVAILABLE");
  });
});

describe("models: paging through a CRM's ListClassRuntimes", function () {
  const cases: {
    readonly name: string;
    readonly got: unknown;
    readonly want: unknown;
  }[] = [
    { name: "first page: the CRM's page size", got: firstPage(), want: { offset: 0, limit: firstPageLimit } },
    { name: "first page for 7 wanted", got: firstPage(7), want: { offset: 0, limit: 7 } },
    { name: "first page for 5000 wanted: capped", got: firstPage(5000), want: { offset: 0, limit: 100 } },
    {
      name: "a full page: the next",
      got: afterPage({ offset: 0, limit: 10 }, 10, 10),
      want: { offset: 10, limit: 10 },
    },
    { name: "a short page: done", got: afterPage({ offset: 10, limit: 10 }, 3, 13), want: "done" },
    { name: "an empty page: done", got: afterPage({ offset: 10, limit: 10 }, 0, 10), want: "done" },
    {
      name: "longer than asked (limit ignored): done",
      got: afterPage({ offset: 0, limit: 10 }, 40, 40),
      want: "done",
    },
    {
      name: "enough for the caller: done",
      got: afterPage({ offset: 0, limit: 10 }, 10, 10, 10),
      want: "done",
    },
    {
      name: "too large: the limit the CRM names",
      got: afterTooLarge({ offset: 20, limit: 100 }, 9),
      want: { offset: 20, limit: 9 },
    },
    {
      name: "too large without a hint: half",
      got: afterTooLarge({ offset: 0, limit: 100 }, undefined),
      want: { offset: 0, limit: 50 },
    },
    {
      name: "a hint not below the page: half",
      got: afterTooLarge({ offset: 0, limit: 8 }, 8),
      want: { offset: 0, limit: 4 },
    },
    {
      name: "hint 0: half",
      got: afterTooLarge({ offset: 0, limit: 8 }, 0),
      want: { offset: 0, limit: 4 },
    },
    {
      name: "one record too large alone",
      got: afterTooLarge({ offset: 5, limit: 1 }, 1),
      want: "too-large",
    },
  ];
  for (const c of cases) {
    it(c.name, function () {
      expect(c.got).to.deep.equal(c.want);
    });
  }
});
