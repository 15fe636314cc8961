// Hostile input against the real PM app (Fastify, memory storage, no CRM): every key in
// a path, a query or a body goes through @oaas/models' key rule; duplicate JSON keys,
// numbers out of their bounds, unknown fields, enums and types are 400 {error} naming
// the field; nothing is stored and nothing is a 500. Paths are sent raw (node:http):
// fetch would normalise "%2E%2E" away before the PM sees it.
import http from "node:http";
import { keyProblem, maxKeyLength } from "@oaas/models";
import { expect } from "chai";
import fc from "fast-check";
import { shopPackage } from "../support/fixtures.ts";
import { errorOf, startTestPm, type Answer, type TestPm } from "../support/pm.ts";

describe("pm REST: hostile input is 400 naming the field", function () {
  this.timeout(60_000);
  let pm: TestPm;
  before(async function () {
    pm = await startTestPm({});
  });
  after(async function () {
    await pm.close();
  });
  afterEach(async function () {
    for (const d of await pm.storage.listDeployments()) await pm.storage.deleteDeployment(d.key);
    for (const p of await pm.storage.listPackages()) await pm.storage.deletePackage(p.name);
  });

  /** One request with the path exactly as given (no client-side normalisation). */
  function raw(method: string, path: string, body?: string): Promise<Answer> {
    const url = new URL(pm.url);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: body === undefined ? {} : { "content-type": "application/json" },
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
  }

  async function expectNothingStored(): Promise<void> {
    expect(await pm.storage.listPackages()).to.deep.equal([]);
    expect(await pm.storage.listDeployments()).to.deep.equal([]);
  }

  describe("keys in the URL path, percent-encoded or not", function () {
    /** [raw segment, the key the PM decodes it to] */
    const segments: readonly (readonly [string, string])[] = [
      ["a%2Fb", "a/b"],
      ["a%2fb", "a/b"],
      ["..%2Fetc", "../etc"],
      ["%2E%2E", ".."],
      ["%2e", "."],
      ["..", ".."],
      ["a%20b", "a b"],
      ["a%09b", "a\tb"],
      ["a%00b", "a\u0000b"],
      ["%25", "%"],
      ["a%3Fb", "a?b"],
      ["a%23b", "a#b"],
      ["a%5Cb", "a\\b"],
      ["a%2Cb", "a,b"],
      ["%F0%9F%98%80", "😀"],
      ["cafe%CC%81", "cafe\u0301"],
      ["x".repeat(maxKeyLength + 1), "x".repeat(maxKeyLength + 1)],
    ];
    /** [method, path with {} for the segment, parameter name, body] */
    const routes: readonly (readonly [string, string, string, string?])[] = [
      ["GET", "/api/v1/packages/{}", "name"],
      ["POST", "/api/v1/packages/{}", "name", '{"name":"p"}'],
      ["DELETE", "/api/v1/packages/{}", "name"],
      ["GET", "/api/v1/deployments/{}", "key"],
      ["PUT", "/api/v1/deployments/{}", "key", '{"package_name":"p","class_key":"c"}'],
      ["DELETE", "/api/v1/deployments/{}", "key"],
      ["GET", "/api/v1/deployments/{}/cluster-mappings", "key"],
      ["GET", "/api/v1/deployments/{}/env-mappings", "key"],
      ["GET", "/api/v1/deployments/{}/history", "key"],
      ["GET", "/api/v1/deployment-status/{}", "id"],
      ["GET", "/api/v1/class-runtimes/{}", "id"],
      ["GET", "/api/v1/deployment-records/{}", "id"],
      ["GET", "/api/v1/clusters/{}/health", "name"],
      ["GET", "/api/v1/envs/{}/health", "name"],
    ];
    for (const [method, template, param, body] of routes) {
      it(`${method} ${template}: every refused segment is 400 "invalid path: ${param}: <the key rule>"`, async function () {
        for (const [segment, key] of segments) {
          const answer = await raw(method, template.replace("{}", segment), body);
          expect(answer.status, `${segment}: ${answer.text}`).to.equal(400);
          expect(errorOf(answer)).to.equal(`invalid path: ${param}: ${keyProblem(key)}`);
          expect(answer.json).to.have.nested.property("details[0].field", param);
        }
        await expectNothingStored();
      });
    }

    it("a path that is not valid percent-encoding is 400 {error}, with the correlation id", async function () {
      for (const path of ["/api/v1/packages/%E0%A4%A", "/api/v1/deployments/%ZZ", "/api/v1/packages/%"]) {
        const answer = await raw("GET", path);
        expect(answer.status, path).to.equal(400);
        expect(errorOf(answer)).to.match(/^invalid path: .* is not a valid url component$/);
        expect(answer.headers.get("x-correlation-id")).to.be.a("string");
      }
    });

    it("usable keys still route: letters of any script, '.', '_', '-', '~', percent-encoded", async function () {
      for (const name of ["shop", "a.b", "snake_case", "~x", "日本語", "Ünïcödé"]) {
        const created = await pm.request("POST", "/api/v1/packages", { name });
        expect(created.status, name).to.equal(201);
        const path = `/api/v1/packages/${encodeURIComponent(name)}`;
        expect((await raw("GET", path)).status, name).to.equal(200);
        expect((await raw("DELETE", path)).status, name).to.equal(204);
      }
    });
  });

  describe("keys in query filters", function () {
    const cases: readonly (readonly [string, string, string])[] = [
      ["/api/v1/deployments?package_name=a%2Fb", "package_name", "a/b"],
      ["/api/v1/deployments?class_key=..", "class_key", ".."],
      ["/api/v1/deployments?target_env=a%20b", "target_env", "a b"],
      ["/api/v1/deployments?target_cluster=", "target_cluster", ""],
      ["/api/v1/class-runtimes?environment=a%2Cb", "environment", "a,b"],
      ["/api/v1/class-runtimes?cluster=%00", "cluster", "\u0000"],
      ["/api/v1/deployments/k?cluster=x%2Fy", "cluster", "x/y"],
      ["/api/v1/deployment-status/k?cluster=..", "cluster", ".."],
      ["/api/v1/deployments/k/history?cluster=a%3Fb", "cluster", "a?b"],
    ];
    for (const [path, field, key] of cases) {
      it(`${path.split("?")[0]} ?${field}=${JSON.stringify(key)} -> 400 naming ${field}`, async function () {
        const method = path.startsWith("/api/v1/deployments/k?") ? "DELETE" : "GET";
        const answer = await raw(method, path);
        expect(answer.status, answer.text).to.equal(400);
        expect(errorOf(answer)).to.equal(`invalid query: ${field}: ${keyProblem(key)}`);
      });
    }

    it("an unknown runtime status is 400 naming status (it was 503: every CRM refused it)", async function () {
      const answer = await raw("GET", "/api/v1/class-runtimes?status=bogus");
      expect(answer.status).to.equal(400);
      expect(errorOf(answer)).to.equal(
        'invalid query: status: "bogus" is not one of SUMMARY_UNKNOWN, RUNNING, PROGRESSING, DEGRADED, ERROR, NOT_FOUND',
      );
      // Any case, as the CRMs take it.
      expect((await raw("GET", "/api/v1/class-runtimes?status=running")).status).to.equal(200);
    });

    it("paging numbers out of bounds, fractional or not numbers are 400 naming the parameter", async function () {
      for (const [query, want] of [
        ["limit=1e9", "invalid query: limit: must be <= 10000"],
        ["limit=10001", "invalid query: limit: must be <= 10000"],
        ["limit=-1", "invalid query: limit: must be >= 0"],
        ["limit=1.5", "invalid query: limit: must be integer"],
        ["limit=NaN", "invalid query: limit: must be integer"],
        ["limit=Infinity", "invalid query: limit: must be <= 10000"],
        ["limit=", "invalid query: limit: must be integer"],
        ["limit=1&limit=2", "invalid query: limit: must be integer"],
        ["offset=1e20", "invalid query: offset: must be <= 2147483647"],
        ["offset=2147483648", "invalid query: offset: must be <= 2147483647"],
        ["offset=-5", "invalid query: offset: must be >= 0"],
      ] as const) {
        for (const base of ["/api/v1/packages", "/api/v1/deployments", "/api/v1/class-runtimes"]) {
          const answer = await raw("GET", `${base}?${query}`);
          expect(answer.status, `${base}?${query}`).to.equal(400);
          expect(errorOf(answer), `${base}?${query}`).to.equal(want);
        }
      }
    });

    it("an unknown query parameter is 400 naming it, on every route that takes none too", async function () {
      await pm.request("POST", "/api/v1/packages", { name: "p" });
      for (const [method, path] of [
        ["GET", "/api/v1/packages?colour=red"],
        ["GET", "/api/v1/packages/p?colour=red"],
        ["DELETE", "/api/v1/packages/p?colour=red"],
        ["DELETE", "/api/v1/deployments/k?clustr=edge"],
        ["GET", "/api/v1/classes?colour=red"],
        ["GET", "/api/v1/clusters?colour=red"],
      ] as const) {
        const answer = await raw(method, path);
        expect(answer.status, path).to.equal(400);
        expect(errorOf(answer), path).to.match(/^invalid query: (colour|clustr): is not a known field$/);
      }
      expect((await pm.request("GET", "/api/v1/packages/p")).status).to.equal(200);
    });
  });

  describe("JSON bodies", function () {
    const bodies: readonly (readonly [string, string, string, string])[] = [
      // [case, route, raw body, the whole error]
      [
        "a duplicated top-level key",
        "/api/v1/packages",
        '{"name":"a","name":"b"}',
        'key "name" in body appears more than once (JSON object keys must be unique)',
      ],
      [
        "a duplicate spelled with an escape",
        "/api/v1/packages",
        '{"name":"a","\\u006eame":"b"}',
        'key "name" in body appears more than once (JSON object keys must be unique)',
      ],
      [
        "a duplicated nested key",
        "/api/v1/packages",
        '{"name":"p","classes":[{"key":"c"},{"key":"d","disabled":false,"disabled":true}]}',
        'key "disabled" in body.classes[1] appears more than once (JSON object keys must be unique)',
      ],
      [
        "a duplicated config entry",
        "/api/v1/packages",
        '{"name":"p","functions":[{"key":"f","config":{"A":"1","A":"2"}}]}',
        'key "A" in body.functions[0].config appears more than once (JSON object keys must be unique)',
      ],
      [
        "a duplicated deployment key",
        "/api/v1/deployments",
        '{"package_name":"p","class_key":"c","class_key":"d"}',
        'key "class_key" in body appears more than once (JSON object keys must be unique)',
      ],
      [
        "partition_count 1e9",
        "/api/v1/packages",
        '{"name":"p","classes":[{"key":"c"}],"deployments":[{"package_name":"p","class_key":"c","odgm":{"partition_count":1e9}}]}',
        "invalid body: deployments[0].odgm.partition_count: must be <= 1024",
      ],
      [
        "a port of 1e400 (Infinity once parsed)",
        "/api/v1/packages",
        '{"name":"p","functions":[{"key":"f","provision_config":{"port":1e400}}]}',
        "invalid body: functions[0].provision_config.port: must be <= 65535",
      ],
      [
        "a negative port",
        "/api/v1/packages",
        '{"name":"p","functions":[{"key":"f","provision_config":{"port":-80}}]}',
        "invalid body: functions[0].provision_config.port: must be >= 1",
      ],
      [
        "a fractional max_concurrency",
        "/api/v1/packages",
        '{"name":"p","functions":[{"key":"f","provision_config":{"max_concurrency":2.5}}]}',
        "invalid body: functions[0].provision_config.max_concurrency: must be integer",
      ],
      [
        "min_scale over int32",
        "/api/v1/packages",
        '{"name":"p","functions":[{"key":"f","provision_config":{"min_scale":2147483648}}]}',
        "invalid body: functions[0].provision_config.min_scale: must be <= 2147483647",
      ],
      [
        'a port of "NaN"',
        "/api/v1/packages",
        '{"name":"p","functions":[{"key":"f","provision_config":{"port":"NaN"}}]}',
        "invalid body: functions[0].provision_config.port: must be integer",
      ],
      [
        'availability "0.9" (a string)',
        "/api/v1/deployments",
        '{"package_name":"p","class_key":"c","nfr_requirements":{"availability":"0.9"}}',
        "invalid body: nfr_requirements.availability: must be number",
      ],
      [
        "availability above 1",
        "/api/v1/deployments",
        '{"package_name":"p","class_key":"c","nfr_requirements":{"availability":1.0000001}}',
        "invalid body: nfr_requirements.availability: must be <= 1",
      ],
      [
        "a cpu target of 0 (the HPA takes none)",
        "/api/v1/deployments",
        '{"package_name":"p","class_key":"c","functions":[{"function_key":"f","nfr_requirements":{"cpu_utilization_target":0}}]}',
        "invalid body: functions[0].nfr_requirements.cpu_utilization_target: must be >= 0.01",
      ],
      [
        "max_latency_ms past a Node timer",
        "/api/v1/deployments",
        '{"package_name":"p","class_key":"c","nfr_requirements":{"max_latency_ms":4294967295}}',
        "invalid body: nfr_requirements.max_latency_ms: must be <= 2147483647",
      ],
      [
        "an unknown condition",
        "/api/v1/deployments",
        '{"package_name":"p","class_key":"c","condition":"UP"}',
        "invalid body: condition: must be one of PENDING, DEPLOYING, RUNNING, DOWN, DELETED, UNKNOWN",
      ],
      [
        "an unknown access modifier",
        "/api/v1/packages",
        '{"name":"p","classes":[{"key":"c","function_bindings":[{"name":"b","function_key":"f","access_modifier":"public"}]}]}',
        "invalid body: classes[0].function_bindings[0].access_modifier: must be one of PUBLIC, INTERNAL, PRIVATE",
      ],
      ["a name that is a number", "/api/v1/packages", '{"name":5}', "invalid body: name: must be string"],
      [
        "target_clusters as a string",
        "/api/v1/deployments",
        '{"package_name":"p","class_key":"c","target_clusters":"edge"}',
        "invalid body: target_clusters: must be array",
      ],
      [
        "a config value that is not a string",
        "/api/v1/packages",
        '{"name":"p","functions":[{"key":"f","config":{"A":1}}]}',
        "invalid body: functions[0].config.A: must be string",
      ],
      [
        "a config key the CRM cannot make an environment variable of (was a 502 at deploy)",
        "/api/v1/packages",
        '{"name":"p","functions":[{"key":"f","config":{"LOG LEVEL":"info"}}]}',
        `invalid package: functions[0].config.LOG LEVEL: "LOG LEVEL" is not a valid environment variable name (letters, digits, '_', '-', '.'; no leading digit)`,
      ],
      [
        "a package name with a slash",
        "/api/v1/packages",
        '{"name":"a/b"}',
        `invalid package: name: ${keyProblem("a/b")}`,
      ],
      [
        "a package name climbing up",
        "/api/v1/packages",
        '{"name":"../etc"}',
        `invalid package: name: ${keyProblem("../etc")}`,
      ],
      [
        "a class key with a control character",
        "/api/v1/packages",
        '{"name":"p","classes":[{"key":"c\\u0000"}]}',
        `invalid package: classes[0].key: ${keyProblem("c\u0000")}`,
      ],
      [
        "a deployment key with a slash",
        "/api/v1/deployments",
        '{"key":"a/b","package_name":"p","class_key":"c"}',
        `invalid deployment: key: ${keyProblem("a/b")}`,
      ],
      [
        "a target cluster with a space",
        "/api/v1/deployments",
        '{"package_name":"p","class_key":"c","target_clusters":["edge 1"]}',
        `invalid deployment: target_clusters[0]: ${keyProblem("edge 1")}`,
      ],
    ];
    for (const [name, route, body, want] of bodies) {
      it(`${name}: 400 "${want.slice(0, 70)}"`, async function () {
        const answer = await raw("POST", route, body);
        expect(answer.status, answer.text).to.equal(400);
        expect(errorOf(answer)).to.equal(want);
        await expectNothingStored();
      });
    }

    it("PUT /deployments/{key} refuses a duplicated key and an out-of-range number too", async function () {
      const duplicate = await raw("PUT", "/api/v1/deployments/k", '{"package_name":"p","package_name":"q"}');
      expect(duplicate.status).to.equal(400);
      expect(errorOf(duplicate)).to.contain('key "package_name" in body appears more than once');
      const big = await raw(
        "PUT",
        "/api/v1/deployments/k",
        '{"package_name":"p","class_key":"c","odgm":{"partition_count":0}}',
      );
      expect(big.status).to.equal(400);
      expect(errorOf(big)).to.equal("invalid body: odgm.partition_count: must be >= 1");
    });

    it("the same key in two different objects is fine (only one object's keys must be unique)", async function () {
      const body = JSON.stringify(shopPackage("twice"));
      expect(body.match(/"key"/g)?.length).to.be.greaterThan(1);
      expect((await raw("POST", "/api/v1/packages", body)).status).to.equal(201);
    });
  });

  describe("random JSON anywhere in a package is never a 500", function () {
    /** Every place in the shop package where a value can be replaced: [path to the parent, key]. */
    function slots(value: unknown, path: (string | number)[] = []): (string | number)[][] {
      if (typeof value !== "object" || value === null) return [];
      return Object.entries(value).flatMap(([k, v]) => {
        const at = [...path, Array.isArray(value) ? Number(k) : k];
        return [at, ...slots(v, at)];
      });
    }
    const base = shopPackage("fuzz");
    const places = slots(base);

    it(`replacing any of ${places.length} values with arbitrary JSON answers 201 or 400 {error}, never 5xx`, async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...places),
          fc.jsonValue({ maxDepth: 3 }),
          async (place, replacement) => {
            const doc = structuredClone(base) as Record<string | number, unknown>;
            let parent = doc;
            for (const part of place.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
            parent[place.at(-1) as string | number] = replacement;
            const answer = await raw("POST", "/api/v1/packages", JSON.stringify(doc));
            if (answer.status === 201) await pm.storage.deletePackage("fuzz");
            else if (answer.status === 400) expect(errorOf(answer)).to.be.a("string").and.not.equal("");
            else
              expect.fail(
                `${answer.status} ${answer.text} for ${place.join(".")} = ${JSON.stringify(replacement)}`,
              );
          },
        ),
        { numRuns: 300, seed: 20261130 },
      );
    });

    it("arbitrary strings as a package name: 201 and readable back, or 400 at create and in the path", async function () {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: "binary", maxLength: 300 }), async (name) => {
          const created = await raw("POST", "/api/v1/packages", JSON.stringify({ name }));
          expect([201, 400], `${JSON.stringify(name)}: ${created.text}`).to.include(created.status);
          expect(created.status === 201).to.equal(keyProblem(name) === undefined);
          if (created.status === 201) {
            const read = await raw("GET", `/api/v1/packages/${encodeURIComponent(name)}`);
            expect(read.status, JSON.stringify(name)).to.equal(200);
            await pm.storage.deletePackage(name);
          } else if (name !== "" && !/\p{Cs}/u.test(name)) {
            // (A lone surrogate has no percent-encoding; "" addresses the collection.)
            const read = await raw("GET", `/api/v1/packages/${encodeURIComponent(name)}`);
            expect(read.status, JSON.stringify(name)).to.equal(400);
          }
        }),
        { numRuns: 300, seed: 20261130 },
      );
    });
  });
});
