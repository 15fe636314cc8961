import { Code, ConnectError } from "@connectrpc/connect";
import { expect } from "chai";

/** Awaits a call that must fail with `code`; returns the error for further checks. */
export async function expectCode(call: Promise<unknown>, code: Code): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    const e = ConnectError.from(error);
    expect(Code[e.code], e.rawMessage).to.equal(Code[code]);
    return e;
  }
  expect.fail(`expected ${Code[code]}, but the call succeeded`);
}
