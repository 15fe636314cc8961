// The write limit per principal: past its burst a principal gets 429 + Retry-After while
// another principal's writes go on (the brute-force limit: integration/auth-brute-force.test.ts).
import { expect } from "chai";
import { bearer, startTestPm, testTokens, type TestPm } from "../support/pm.ts";

describe("pm auth: write limit per principal", function () {
  this.timeout(30_000);
  let pm: TestPm;
  before(async function () {
    // 3 writes per window of 3 s: slow enough that the burst below cannot span two windows.
    pm = await startTestPm({ OPRC_PM_WRITE_RATE_PER_SEC: "1", OPRC_PM_WRITE_BURST: "3" });
  });
  after(async function () {
    await pm.close();
  });

  it("past its burst a principal gets 429 with Retry-After; another principal's writes are served", async function () {
    const write = (token: string) =>
      pm.request("DELETE", "/api/v1/packages/not-there", undefined, { authorization: bearer(token) });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await write(testTokens.deployer)).status);
    const limited = await write(testTokens.deployer);
    expect(statuses).to.deep.equal([404, 404, 404]);
    expect(limited.status).to.equal(429);
    expect(Number(limited.headers.get("retry-after"))).to.be.within(1, 3);
    expect(limited.json).to.have.property("error").that.contains("too many writes by deployer");
    expect((await write(testTokens.admin)).status).to.equal(404);
    // Reads are not write-limited.
    expect(
      (await pm.request("GET", "/api/v1/packages", undefined, { authorization: bearer(testTokens.deployer) }))
        .status,
    ).to.equal(200);
    const audit = pm.logs
      .filter((l) => l.message === "audit")
      .map((l) => `${String(l["principal"])} ${String(l["code"])} ${String(l["outcome"])}`);
    expect(audit).to.deep.equal([
      "deployer 404 failed",
      "deployer 404 failed",
      "deployer 404 failed",
      "deployer 429 denied",
      "admin 404 failed",
    ]);
  });
});
