// Hostile JSON bodies on the PM's REST routes: duplicate keys, out-of-range numbers, unknown fields, enums and types are 400 {error} naming the field.
import { keyProblem } from "@oaas/models";
import { expect } from "chai";
import { shopPackage } from "../support/fixtures.ts";
import { errorOf } from "../support/pm.ts";
import { pmSuite } from "../support/pm-suite.ts";

describe("pm REST: hostile input is 400 naming the field", function () {
  this.timeout(60_000);
  const hostile = pmSuite();

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
        const answer = await hostile.raw("POST", route, body);
        expect(answer.status, answer.text).to.equal(400);
        expect(errorOf(answer)).to.equal(want);
        await hostile.expectNothingStored();
      });
    }

    it("PUT /deployments/{key} refuses a duplicated key and an out-of-range number too", async function () {
      const duplicate = await hostile.raw(
        "PUT",
        "/api/v1/deployments/k",
        '{"package_name":"p","package_name":"q"}',
      );
      expect(duplicate.status).to.equal(400);
      expect(errorOf(duplicate)).to.contain('key "package_name" in body appears more than once');
      const big = await hostile.raw(
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
      expect((await hostile.raw("POST", "/api/v1/packages", body)).status).to.equal(201);
    });
  });
});
