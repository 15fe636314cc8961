// POST /packages with bad input (malformed, mistyped, oversized...): 400/413 {error} naming the field, nothing stored.
import { expect } from "chai";
import { errorOf } from "../support/pm.ts";
import { pmSuite } from "../support/pm-suite.ts";

describe("pm REST: input and errors (memory storage, no CRM)", function () {
  this.timeout(30_000);
  const rest = pmSuite({ OPRC_PM_BODY_LIMIT_BYTES: "4096" });

  const badPackages: {
    name: string;
    body: unknown;
    status?: number;
    headers?: Record<string, string>;
    want: string;
  }[] = [
    { name: "malformed JSON", body: '{"name": ', want: "not valid JSON" },
    { name: "wrong types", body: { name: "p", disabled: "yes" }, want: "disabled: must be boolean" },
    {
      name: "unknown enum value",
      body: { name: "p", functions: [{ key: "f", function_type: "SERVERLESS" }] },
      want: "functions[0].function_type: must be one of BUILTIN, CUSTOM, MACRO, LOGICAL",
    },
    {
      name: "a name with a space",
      body: { name: "my pkg" },
      want: 'name: "my pkg" must not contain whitespace',
    },
    {
      name: "a binding to a missing function",
      body: { name: "p", classes: [{ key: "c", function_bindings: [{ name: "a", function_key: "ghost" }] }] },
      want: 'classes[0].function_bindings[0].function_key: "ghost" is not a function of package "p"',
    },
    {
      name: "a quantity and a port out of range",
      body: { name: "p", functions: [{ key: "f", provision_config: { cpu_request: "lots", port: 70000 } }] },
      want: "functions[0].provision_config.port",
    },
    {
      // The API server would store it cut down, and the CRM would "repair" it forever.
      name: "a memory request beyond what the API server stores",
      body: {
        name: "p",
        functions: [{ key: "f", provision_config: { memory_request: "99999999999999999999Ei" } }],
      },
      want: 'functions[0].provision_config.memory_request: "99999999999999999999Ei" is larger than the API server stores',
    },
    {
      name: "a cpu request finer than 1m",
      body: { name: "p", functions: [{ key: "f", provision_config: { cpu_request: "0.5m" } }] },
      want: 'functions[0].provision_config.cpu_request: "0.5m" is finer than 1m',
    },
    {
      name: "a negative memory limit",
      body: { name: "p", functions: [{ key: "f", provision_config: { memory_limit: "-1Gi" } }] },
      want: 'functions[0].provision_config.memory_limit: "-1Gi" is negative',
    },
    {
      // A kubelet answers InvalidImageName; it was stored and shown RUNNING on KWOK.
      name: "an image with an uppercase repository path",
      body: {
        name: "p",
        functions: [{ key: "f", provision_config: { container_image: "ghcr.io/Example/Cart-Add:1.0" } }],
      },
      want: 'functions[0].provision_config.container_image: repository path "Example" must be lowercase',
    },
    {
      name: "an image with a digest that is not algorithm:hex",
      body: {
        name: "p",
        functions: [
          { key: "f", provision_config: { container_image: "ghcr.io/ok/img:1" } },
          { key: "g", provision_config: { container_image: "ghcr.io/ok/img@sha256:xyz" } },
        ],
      },
      want: "functions[1].provision_config.container_image: digest",
    },
    { name: "not an object", body: "[1,2]", want: "invalid body" },
    // 10,000 levels once were a 500 (stack overflow past parsing);
    // "__proto__" was "not valid JSON".
    {
      name: "1,000 nested arrays",
      body: `{"name":"p","metadata":{"x":${"[".repeat(1000)}${"]".repeat(1000)}}}`,
      want: "body nests more than 32 levels",
    },
    {
      name: "600 nested objects in a function config",
      body: `{"name":"p","functions":[{"key":"f","config":${'{"a":'.repeat(600)}1${"}".repeat(600)}}]}`,
      want: "body nests more than 32 levels",
    },
    {
      name: "a __proto__ key",
      body: '{"name":"p","metadata":{"__proto__":{"admin":true}}}',
      want: 'key "__proto__" in body.metadata is not allowed',
    },
    {
      name: "a constructor.prototype key",
      body: '{"name":"p","functions":[{"key":"f","config":{"constructor":{"prototype":{"x":"1"}}}}]}',
      want: 'key "constructor.prototype" in body.functions[0].config is not allowed',
    },
    { name: "missing name", body: {}, want: "name: is required" },
    {
      name: "wrong content type",
      body: "name=p",
      headers: { "content-type": "text/plain" },
      status: 415,
      want: "Unsupported Media Type",
    },
    {
      name: "oversized body",
      body: { name: "p", metadata: { description: "x".repeat(10_000) } },
      status: 413,
      want: "Request body is too large",
    },
  ];
  for (const row of badPackages) {
    it(`POST /packages with ${row.name} -> ${row.status ?? 400} {error}, nothing stored`, async function () {
      const answer = await rest.pm.request("POST", "/api/v1/packages", row.body, row.headers);
      expect(answer.status, answer.text).to.equal(row.status ?? 400);
      expect(answer.headers.get("content-type")).to.match(/^application\/json/);
      expect(errorOf(answer)).to.contain(row.want);
      await rest.expectNothingStored();
    });
  }
});
