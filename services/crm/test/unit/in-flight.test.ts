// The in-flight bound per principal (ingress/in-flight.ts): at most N calls of one principal
// at once, one more RESOURCE_EXHAUSTED at once with a retry hint, other principals untouched,
// slots given back when calls end (well or badly). The interceptor alone, with calls the
// test holds open (a pure unit: `next` is the test's).
import {
  Code,
  ConnectError,
  createContextValues,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { anonymousAdmin, type Principal } from "@oaas/auth";
import { expect } from "chai";
import { boundInFlight } from "../../src/ingress/in-flight.ts";
import { principalKey } from "../../src/ingress/principal-context.ts";

const pm: Principal = { name: "pm-prod", role: "deployer", namespaces: "*", via: "token" };
const ci: Principal = { name: "ci", role: "deployer", namespaces: "*", via: "token" };

function request(principal: Principal): UnaryRequest {
  const contextValues = createContextValues();
  contextValues.set(principalKey, principal);
  return { contextValues } as unknown as UnaryRequest;
}

describe("ingress: in-flight bound per principal", function () {
  it("refuses the (N+1)th call of one principal at once, serves others, and frees slots when calls end", async function () {
    const held: (() => void)[] = [];
    const failNext: (() => void)[] = [];
    const next = () =>
      new Promise<UnaryResponse>((resolve, reject) => {
        held.push(() => resolve({} as UnaryResponse));
        failNext.push(() => reject(new Error("boom")));
      });
    const call = boundInFlight(2)(next);
    const first = call(request(pm));
    const second = call(request(pm));
    const third = await call(request(pm)).catch((e: unknown) => e);
    expect(third).to.be.instanceOf(ConnectError);
    expect((third as ConnectError).code).to.equal(Code.ResourceExhausted);
    expect((third as ConnectError).rawMessage).to.contain("OPRC_CRM_INGRESS_MAX_IN_FLIGHT_PER_PRINCIPAL");
    expect((third as ConnectError).metadata.get("retry-after")).to.equal("1");
    // Another principal is not held back by pm-prod's calls.
    const other = call(request(ci));
    expect(held).to.have.length(3);
    held[0]?.();
    await first;
    // One slot back: pm-prod may call again; a failing call gives its slot back too.
    const fourth = call(request(pm));
    failNext[1]?.();
    expect(await second.catch((e: unknown) => (e as Error).message)).to.equal("boom");
    const fifth = call(request(pm));
    expect(held).to.have.length(5);
    held[2]?.();
    held[3]?.();
    held[4]?.();
    await Promise.all([other, fourth, fifth]);
  });

  it("does not count calls served with authentication off (no principal to tell apart)", async function () {
    const call = boundInFlight(1)(() => new Promise<UnaryResponse>(() => undefined));
    void call(request(anonymousAdmin));
    const again = await Promise.race([
      call(request(anonymousAdmin)).catch((e: unknown) => e),
      new Promise((resolve) => setImmediate(() => resolve("pending"))),
    ]);
    expect(again).to.equal("pending");
  });
});
