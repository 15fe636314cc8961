// The kubeconfig loader without a cluster: each auth shape read from a file into TLS
// options and headers, the refusals, merging, the lookup order, ExecCredential parsing
// and its expiry cache. The same loader against the real test cluster:
// test/integration/kubeconfig.test.ts.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type https from "node:https";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ExecCredentialCache, parseExecCredential } from "../../src/kubeconfig/exec-credential.ts";
import { loadKubeConfigFrom } from "../../src/kubeconfig/loader.ts";
import {
  KubeConfigError,
  mergeKubeConfigs,
  parseKubeConfig,
  selectCurrent,
} from "../../src/kubeconfig/model.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** A kubeconfig document with one context `c` on cluster `k` and user `u`. */
function doc(
  cluster: Record<string, unknown>,
  user: Record<string, unknown> | undefined,
  extra: object = {},
) {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "k", cluster: { server: "https://10.0.0.1:6443/", ...cluster } }],
    users: user ? [{ name: "u", user }] : [],
    contexts: [{ name: "c", context: { cluster: "k", ...(user ? { user: "u" } : {}), namespace: "ns1" } }],
    "current-context": "c",
    ...extra,
  };
}

describe("kubeconfig loader (no cluster)", function () {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "oaas-kubeconfig-unit-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes `content` (YAML text or an object written as JSON) as dir/<name> and loads it. */
  function load(content: string | object, name = "config") {
    const file = path.join(dir, name);
    writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return loadKubeConfigFrom(file, { env: {} });
  }

  async function options(content: string | object): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = {};
    await load(content).applyToHTTPSOptions(opts);
    return opts;
  }

  describe("auth shapes into TLS options and headers", function () {
    it("inline CA, client certificate and key (the test cluster's shape); server without trailing slash", async () => {
      const kc = load(
        doc(
          { "certificate-authority-data": b64("CA") },
          { "client-certificate-data": b64("CERT"), "client-key-data": b64("KEY") },
        ),
      );
      expect(kc.getCurrentCluster().server).to.equal("https://10.0.0.1:6443");
      expect(kc.namespace).to.equal("ns1");
      const opts: https.RequestOptions = {};
      await kc.applyToHTTPSOptions(opts);
      expect(String(opts.ca)).to.equal("CA");
      expect(String(opts.cert)).to.equal("CERT");
      expect(opts.key).to.deep.equal(Buffer.from("KEY"));
      expect(opts.rejectUnauthorized).to.equal(undefined);
      expect(opts.headers).to.deep.equal({});
    });

    it("CA, certificate and key from files, relative paths resolved against the kubeconfig's directory (YAML)", async () => {
      mkdirSync(path.join(dir, "pki"));
      writeFileSync(path.join(dir, "pki/ca.crt"), "CAFILE");
      writeFileSync(path.join(dir, "pki/admin.crt"), "CERTFILE");
      writeFileSync(path.join(dir, "pki/admin.key"), "KEYFILE");
      const yaml = [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: k",
        "  cluster:",
        "    server: https://h:6443",
        "    certificate-authority: pki/ca.crt",
        "    tls-server-name: kubernetes.default",
        "users:",
        "- name: u",
        "  user:",
        "    client-certificate: pki/admin.crt",
        `    client-key: ${path.join(dir, "pki/admin.key")}`,
        "contexts:",
        "- name: c",
        "  context: {cluster: k, user: u}",
        "current-context: c",
      ].join("\n");
      const opts = await options(yaml);
      expect(String(opts.ca)).to.equal("CAFILE");
      expect(String(opts.cert)).to.equal("CERTFILE");
      expect(opts.key).to.deep.equal(Buffer.from("KEYFILE"));
      expect(opts.servername).to.equal("kubernetes.default");
    });

    it("a token; insecure-skip-tls-verify; impersonation (as)", async () => {
      const opts = await options(doc({ "insecure-skip-tls-verify": true }, { token: "t0k", as: "jane" }));
      expect(opts.rejectUnauthorized).to.equal(false);
      expect(opts.headers).to.deep.equal({ authorization: "Bearer t0k", "impersonate-user": "jane" });
    });

    it("tokenFile (kubectl) and token-file (client-node), re-read at each call (rotation)", async () => {
      const tokenFile = path.join(dir, "token");
      writeFileSync(tokenFile, "first\n");
      for (const field of ["tokenFile", "token-file"]) {
        writeFileSync(tokenFile, "first\n");
        const kc = load(doc({}, { [field]: "token" }));
        const a: https.RequestOptions = {};
        await kc.applyToHTTPSOptions(a);
        expect(a.headers, field).to.deep.equal({ authorization: "Bearer first" });
        writeFileSync(tokenFile, "second");
        const b: https.RequestOptions = {};
        await kc.applyToHTTPSOptions(b);
        expect(b.headers, field).to.deep.equal({ authorization: "Bearer second" });
      }
    });

    it("an exec plugin (client.authentication.k8s.io/v1): token, its env and KUBERNETES_EXEC_INFO", async () => {
      const plugin = path.join(dir, "plugin.sh");
      writeFileSync(
        plugin,
        [
          "#!/bin/sh",
          `echo "$KUBERNETES_EXEC_INFO" > "${dir}/info.json"`,
          `printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s-%s"}}' "$1" "$PLUGIN_VAR"`,
        ].join("\n"),
      );
      chmodSync(plugin, 0o755);
      const opts = await options(
        doc(
          {},
          {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1",
              command: plugin,
              args: ["arg"],
              env: [{ name: "PLUGIN_VAR", value: "env" }],
            },
          },
        ),
      );
      expect(opts.headers).to.deep.equal({ authorization: "Bearer arg-env" });
      expect(JSON.parse(readFileSync(path.join(dir, "info.json"), "utf8"))).to.deep.equal({
        apiVersion: "client.authentication.k8s.io/v1",
        kind: "ExecCredential",
        spec: { interactive: false },
      });
    });

    it("an exec plugin that returns a client certificate and key", async () => {
      const plugin = path.join(dir, "plugin.sh");
      writeFileSync(
        plugin,
        `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"PEMCERT","clientKeyData":"PEMKEY"}}'\n`,
      );
      chmodSync(plugin, 0o755);
      const opts = await options(
        doc({}, { exec: { apiVersion: "client.authentication.k8s.io/v1", command: plugin } }),
      );
      expect(opts.cert).to.equal("PEMCERT");
      expect(opts.key).to.equal("PEMKEY");
      expect(opts.headers).to.deep.equal({});
    });

    it("an exec plugin that fails: the error names it and carries its stderr", async () => {
      const plugin = path.join(dir, "plugin.sh");
      writeFileSync(plugin, "#!/bin/sh\necho 'login required' >&2\nexit 3\n");
      chmodSync(plugin, 0o755);
      const kc = load(doc({}, { exec: { apiVersion: "client.authentication.k8s.io/v1", command: plugin } }));
      const error = await kc.applyToHTTPSOptions({}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(KubeConfigError);
      expect((error as Error).message)
        .to.include(plugin)
        .and.to.include("login required");
    });

    it("a context without a user: no credentials", async () => {
      const opts = await options(doc({ "certificate-authority-data": b64("CA") }, undefined));
      expect(String(opts.ca)).to.equal("CA");
      expect(opts.headers).to.equal(undefined);
    });
  });

  describe("refusals", function () {
    const rows: { name: string; given: unknown; want: RegExp }[] = [
      { name: "basic auth", given: doc({}, { username: "a", password: "b" }), want: /basic authentication/ },
      {
        name: "auth-provider",
        given: doc({}, { "auth-provider": { name: "oidc" } }),
        want: /exec credential plugin/,
      },
      {
        name: "a cluster without server",
        given: { clusters: [{ name: "k", cluster: {} }] },
        want: /server is missing/,
      },
      {
        name: "an exec without command",
        given: doc({}, { exec: { args: [] } }),
        want: /exec.command is missing/,
      },
      { name: "not a mapping", given: ["a"], want: /not a kubeconfig/ },
    ];
    for (const row of rows)
      it(row.name, () => expect(() => parseKubeConfig(row.given, "f")).to.throw(KubeConfigError, row.want));

    it("a current-context, cluster or user that is not there", () => {
      const base = parseKubeConfig(doc({}, { token: "t" }), "f");
      expect(() => selectCurrent({ ...base, currentContext: "x" }, "f")).to.throw(/"x" is not in contexts/);
      expect(() => selectCurrent({ ...base, clusters: [] }, "f")).to.throw(
        /names cluster "k", not in clusters/,
      );
      expect(() => selectCurrent({ ...base, users: [] }, "f")).to.throw(/names user "u", not in users/);
      expect(() => selectCurrent({ ...base, currentContext: undefined }, "f")).to.throw(/no current-context/);
    });

    it("an unreadable file names it", () => {
      expect(() => loadKubeConfigFrom(path.join(dir, "absent"), { env: {} })).to.throw(
        KubeConfigError,
        /absent/,
      );
    });
  });

  describe("merging and lookup", function () {
    it("merges as kubectl: the first file that names an entry wins; the first current-context wins", () => {
      const a = parseKubeConfig(
        { clusters: [{ name: "k", cluster: { server: "https://a" } }], "current-context": "ca" },
        "a",
      );
      const b = parseKubeConfig(
        {
          clusters: [
            { name: "k", cluster: { server: "https://b" } },
            { name: "k2", cluster: { server: "https://b2" } },
          ],
          contexts: [{ name: "ca", context: { cluster: "k" } }],
          "current-context": "cb",
        },
        "b",
      );
      const merged = mergeKubeConfigs([a, b]);
      expect(merged.clusters.map((c) => c.server)).to.deep.equal(["https://a", "https://b2"]);
      expect(merged.currentContext).to.equal("ca");
      expect(selectCurrent(merged, "m").cluster.server).to.equal("https://a");
    });

    it("looks in $KUBECONFIG (a list), then ~/.kube/config, then the service account, then localhost:8080", async () => {
      const one = path.join(dir, "one");
      const two = path.join(dir, "two");
      writeFileSync(one, JSON.stringify({ users: [{ name: "u", user: { token: "from-one" } }] }));
      writeFileSync(two, JSON.stringify(doc({}, { token: "from-two" })));
      const sa = path.join(dir, "sa");
      const home = path.join(dir, "home");
      const env = { KUBECONFIG: `${one}:${two}`, HOME: home };
      const h: https.RequestOptions = {};
      await loadKubeConfigFrom(undefined, { env, serviceAccountDir: sa }).applyToHTTPSOptions(h);
      expect(h.headers).to.deep.equal({ authorization: "Bearer from-one" });

      mkdirSync(path.join(home, ".kube"), { recursive: true });
      writeFileSync(path.join(home, ".kube/config"), JSON.stringify(doc({}, { token: "home" })));
      expect(
        loadKubeConfigFrom(undefined, { env: { HOME: home }, serviceAccountDir: sa }).selected.user?.token,
      ).to.equal("home");

      mkdirSync(sa);
      writeFileSync(path.join(sa, "token"), "sa-token\n");
      writeFileSync(path.join(sa, "ca.crt"), "SACA");
      writeFileSync(path.join(sa, "namespace"), "oaas");
      const inCluster = loadKubeConfigFrom(undefined, {
        env: { KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443" },
        serviceAccountDir: sa,
      });
      expect(inCluster.getCurrentCluster().server).to.equal("https://[fd00::1]:443");
      expect(inCluster.namespace).to.equal("oaas");
      const o: https.RequestOptions = {};
      await inCluster.applyToHTTPSOptions(o);
      expect(String(o.ca)).to.equal("SACA");
      expect(o.headers).to.deep.equal({ authorization: "Bearer sa-token" });

      const nothing = loadKubeConfigFrom(undefined, { env: {}, serviceAccountDir: path.join(dir, "none") });
      expect(nothing.getCurrentCluster().server).to.equal("http://localhost:8080");
    });
  });

  describe("ExecCredential", function () {
    const v1 = "client.authentication.k8s.io/v1";
    it("reads token, certificate, key and expiry; refuses other kinds, versions and empty ones", () => {
      const out = (status: object, head: object = { apiVersion: v1, kind: "ExecCredential" }) =>
        JSON.stringify({ ...head, status });
      expect(
        parseExecCredential(out({ token: "t", expirationTimestamp: "2030-01-01T00:00:00Z" }), v1, "p"),
      ).to.deep.equal({ token: "t", expiresAt: Date.parse("2030-01-01T00:00:00Z") });
      expect(() => parseExecCredential("nope", v1, "p")).to.throw(/no JSON/);
      expect(() =>
        parseExecCredential(out({ token: "t" }, { apiVersion: "x/v1", kind: "ExecCredential" }), v1, "p"),
      ).to.throw(/expected ExecCredential/);
      expect(() => parseExecCredential(out({ clientCertificateData: "c" }), v1, "p")).to.throw(
        /neither a token/,
      );
      expect(() => parseExecCredential(out({ token: "t", expirationTimestamp: "soon" }), v1, "p")).to.throw(
        /not a timestamp/,
      );
    });

    it("is reused until 60 s before it expires, shared by concurrent callers, and run again after a failure", async () => {
      let now = 0;
      let runs = 0;
      let fail = false;
      const cache = new ExecCredentialCache(
        () => {
          runs += 1;
          if (fail) return Promise.reject(new Error("plugin failed"));
          return Promise.resolve({ token: `t${runs}`, expiresAt: now + 120_000 });
        },
        () => now,
      );
      const [a, b] = await Promise.all([cache.get(), cache.get()]);
      expect([a.token, b.token, runs]).to.deep.equal(["t1", "t1", 1]);
      now = 59_000;
      expect((await cache.get()).token).to.equal("t1");
      now = 60_001; // within 60 s of expiry
      fail = true;
      await cache.get().then(
        () => expect.fail("should fail"),
        (e: unknown) => expect(String(e)).to.equal("Error: plugin failed"),
      );
      fail = false;
      expect((await cache.get()).token).to.equal("t3");
      expect(runs).to.equal(3);
    });

    it("without an expiry is kept for the life of the process", async () => {
      let runs = 0;
      let now = 0;
      const cache = new ExecCredentialCache(
        () => Promise.resolve({ token: `t${++runs}` }),
        () => now,
      );
      await cache.get();
      now = 10 * 86_400_000;
      expect((await cache.get()).token).to.equal("t1");
    });
  });
});
