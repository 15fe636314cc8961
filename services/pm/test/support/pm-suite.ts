// The shared setup of the PM's in-process REST suites (unit/api-*.test.ts, unit/input-*.test.ts):
// a real PM app (Fastify, memory storage, no CRM) emptied after every test, and a raw request
// that sends a path exactly as given (node:http): fetch would normalise "%2E%2E" away first.
import http from "node:http";
import { expect } from "chai";
import { bearer, startTestPm, type Answer, type TestPm } from "./pm.ts";

/** What a PM REST suite uses; `pm` is set once the suite's `before` has run. */
export interface PmSuite {
  readonly pm: TestPm;
  /** One request with the path exactly as given (no client-side normalisation). */
  raw(method: string, path: string, body?: string): Promise<Answer>;
  /** Asserts that no package and no deployment was stored. */
  expectNothingStored(): Promise<void>;
}

/**
 * Registers, in the calling describe, the hooks that start a PM with `env` (OPRC_PM_* settings)
 * before its tests, empty its storage after each test and close it after the suite.
 */
export function pmSuite(env: Record<string, string> = {}): PmSuite {
  let pm: TestPm | undefined;
  const started = (): TestPm => {
    if (!pm) throw new Error("the PM is started in before(): use it inside a test");
    return pm;
  };
  before(async function () {
    pm = await startTestPm(env);
  });
  after(async function () {
    await pm?.close();
  });
  afterEach(async function () {
    const storage = started().storage;
    for (const d of await storage.listDeployments()) await storage.deleteDeployment(d.key);
    for (const p of await storage.listPackages()) await storage.deletePackage(p.name);
  });
  return {
    get pm() {
      return started();
    },
    raw(method, path, body) {
      const url = new URL(started().url);
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            method,
            path,
            headers: {
              ...(body === undefined ? {} : { "content-type": "application/json" }),
              ...(started().token !== undefined ? { authorization: bearer(started().token ?? "") } : {}),
            },
          },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => (text += chunk));
            res.on("end", () => {
              let json: unknown;
              try {
                json = text ? JSON.parse(text) : undefined;
              } catch {
                json = undefined;
              }
              const headers = new Headers();
              for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headers.set(k, v);
              resolve({ status: res.statusCode ?? 0, headers, text, json });
            });
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    },
    async expectNothingStored() {
      const storage = started().storage;
      expect(await storage.listPackages()).to.deep.equal([]);
      expect(await storage.listDeployments()).to.deep.equal([]);
    },
  };
}
