import type { IncomingHttpHeaders } from "node:http";
import { expect } from "chai";
import { capDeadlineHeaders, maxTimerMs } from "../../src/ingress/deadline-cap.ts";

describe("crm ingress: client deadlines beyond Node's timer range are capped", function () {
  const rows: { name: string; given: IncomingHttpHeaders; want: IncomingHttpHeaders }[] = [
    {
      name: "grpc-go's 30-day context",
      given: { "grpc-timeout": "2592000S" },
      want: { "grpc-timeout": "2147483S" },
    },
    { name: "99999999H", given: { "grpc-timeout": "99999999H" }, want: { "grpc-timeout": "2147483S" } },
    {
      name: "just under the cap (ms)",
      given: { "grpc-timeout": "2147483m" },
      want: { "grpc-timeout": "2147483m" },
    },
    { name: "24 days is kept", given: { "grpc-timeout": "576H" }, want: { "grpc-timeout": "576H" } },
    { name: "short deadline is kept", given: { "grpc-timeout": "5m" }, want: { "grpc-timeout": "5m" } },
    {
      name: "nanoseconds are kept",
      given: { "grpc-timeout": "99999999n" },
      want: { "grpc-timeout": "99999999n" },
    },
    {
      name: "connect 10 digits over the cap",
      given: { "connect-timeout-ms": "9999999999" },
      want: { "connect-timeout-ms": String(maxTimerMs) },
    },
    {
      name: "connect at the cap",
      given: { "connect-timeout-ms": "2147483647" },
      want: { "connect-timeout-ms": "2147483647" },
    },
    {
      name: "malformed grpc value left for connect to refuse",
      given: { "grpc-timeout": "1.5S" },
      want: { "grpc-timeout": "1.5S" },
    },
    {
      name: "too many digits left for connect to refuse",
      given: { "grpc-timeout": "123456789S" },
      want: { "grpc-timeout": "123456789S" },
    },
    {
      name: "malformed connect value left alone",
      given: { "connect-timeout-ms": "-1" },
      want: { "connect-timeout-ms": "-1" },
    },
    { name: "no deadline", given: {}, want: {} },
  ];
  for (const row of rows) {
    it(row.name, function () {
      const headers = { ...row.given };
      capDeadlineHeaders(headers);
      expect(headers).to.deep.equal(row.want);
    });
  }
});
