// /metrics needs role `metrics`, so each chart's ServiceMonitor must scrape with a
// credential: the tokens Secret the chart generates holds a metrics token on its own (key
// auth.tokens.metricsKey) and as a `metrics` line of the tokens file the program reads, and
// the ServiceMonitor endpoint names it (Prometheus Operator monitoring.coreos.com/v1
// `authorization: {type: Bearer, credentials: {name, key}}`). Checked on every values case
// as rendered, with the programs' own tokens-file parser, and end to end: a real `pm` and
// a real `crm ingress` read the rendered tokens file and answer /metrics to that token.
// Needs helm; no cluster (the ingress is pointed at an API server that does not answer,
// which /metrics does not need). About 20 s.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseTokensFile } from "@oaas/auth";
import { startCrm, startPmProcess, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import {
  charts,
  crmChart,
  parseManifests,
  pmChart,
  renderCase,
  valueCases,
  type Chart,
  type Manifest,
} from "../../charts/charts.ts";

interface Endpoint {
  port?: string;
  path?: string;
  authorization?: { type?: string; credentials?: { name?: string; key?: string } };
}

const authSecret = (chart: Chart) => (chart === crmChart ? "oaas-crm-auth" : "oaas-pm-auth");
const endpointsOf = (monitor: Manifest) => (monitor.spec?.["endpoints"] ?? []) as Endpoint[];
const monitors = (objects: Manifest[]) => objects.filter((o) => o.kind === "ServiceMonitor");
const secretData = (objects: Manifest[], name: string): Record<string, string> => {
  const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === name);
  if (!secret) throw new Error(`no Secret ${name} rendered`);
  return Object.fromEntries(
    Object.entries(secret["data"] as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, "base64").toString("utf8"),
    ]),
  );
};
const withMonitor = ["--set", "serviceMonitor.enabled=true"];

/** The rendered tokens file and metrics token of a chart's generated Secret, checked with the program's parser. */
function renderedTokens(chart: Chart, objects: Manifest[]): { file: string; token: string } {
  const data = secretData(objects, authSecret(chart));
  const token = data["metrics-token"] ?? "";
  const file = data["tokens"] ?? "";
  const entries = parseTokensFile(file);
  expect(entries.map((e) => [e.user, e.role])).to.deep.equal([
    ["admin", "admin"],
    ["metrics-scraper", "metrics"],
  ]);
  expect(entries.find((e) => e.role === "metrics")?.token).to.equal(token);
  expect(token).to.match(/^[A-Za-z0-9]{48}$/);
  return { file, token };
}

describe("helm charts: the ServiceMonitors scrape /metrics with the generated metrics token", function () {
  this.timeout(180_000);

  for (const chart of charts) {
    for (const which of valueCases) {
      it(`${chart.name} (${which}): every endpoint is Bearer from the tokens Secret's metrics-token, a metrics line of its tokens file`, async function () {
        const objects = parseManifests(await renderCase(chart, which, withMonitor));
        // The Secret the programs read their tokens file from (generated, or auth.tokens.existingSecret).
        const read = new Set(
          objects
            .filter(
              (o) =>
                o.kind === "Deployment" &&
                !o.metadata.name.includes("etcd") &&
                !o.metadata.name.includes("redis"),
            )
            .map((o) => {
              const pod = (
                o.spec?.["template"] as {
                  spec: { volumes?: { name: string; secret?: { secretName?: string } }[] };
                }
              ).spec;
              return pod.volumes?.find((v) => v.name === "auth-tokens")?.secret?.secretName;
            }),
        );
        expect(read.size, "one tokens Secret for every program").to.equal(1);
        const secret = [...read][0];
        const found = monitors(objects);
        expect(found, "a ServiceMonitor").to.have.length(1);
        for (const endpoint of endpointsOf(found[0] as Manifest)) {
          expect(endpoint.path).to.equal("/metrics");
          expect(endpoint.authorization).to.deep.equal({
            type: "Bearer",
            credentials: { name: secret, key: "metrics-token" },
          });
        }
        // The generated one holds the token; an existingSecret is the user's to fill.
        if (secret === authSecret(chart)) renderedTokens(chart, objects);
      });
    }

    it(`${chart.name}: insecure renders no credential; an existingSecret is named with auth.tokens.metricsKey`, async function () {
      const open = parseManifests(
        await renderCase(chart, "default", [...withMonitor, "--set", "insecure=true"]),
      );
      expect(endpointsOf(monitors(open)[0] as Manifest)[0]?.authorization).to.equal(undefined);
      const own = parseManifests(
        await renderCase(chart, "default", [
          ...withMonitor,
          "--set",
          "auth.tokens.existingSecret=my-tokens",
          "--set",
          "auth.tokens.metricsKey=scrape",
        ]),
      );
      expect(endpointsOf(monitors(own)[0] as Manifest)[0]?.authorization).to.deep.equal({
        type: "Bearer",
        credentials: { name: "my-tokens", key: "scrape" },
      });
      expect(own.some((o) => o.kind === "Secret" && o.metadata.name === authSecret(chart))).to.equal(false);
    });
  }

  describe("the real programs with the rendered tokens file", function () {
    let dir = "";
    before(async function () {
      dir = await mkdtemp(path.join(tmpdir(), "oaas-chart-metrics-"));
    });
    after(async function () {
      await rm(dir, { recursive: true, force: true });
    });

    const scrape = async (url: string, token?: string) => {
      const res = await fetch(
        `${url}/metrics`,
        token ? { headers: { authorization: `Bearer ${token}` } } : {},
      );
      return { status: res.status, text: await res.text() };
    };

    it("pm: the metrics token scrapes /metrics (200), nothing else (401 without, 403 on the API)", async function () {
      const { file, token } = renderedTokens(pmChart, parseManifests(await renderCase(pmChart, "default")));
      const tokens = path.join(dir, "pm-tokens");
      await writeFile(tokens, file, { mode: 0o600 });
      const pm = await startPmProcess({ OPRC_PM_AUTH_TOKENS_FILE: tokens });
      try {
        const ok = await scrape(pm.url, token);
        expect(ok.status).to.equal(200);
        expect(ok.text).to.contain("pm_http_requests_total");
        expect((await scrape(pm.url)).status).to.equal(401);
        const api = await fetch(`${pm.url}/api/v1/packages`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(api.status).to.equal(403);
      } finally {
        await pm.stop();
      }
    });

    it("crm ingress: the metrics token scrapes /metrics (200), 401 without", async function () {
      const { file, token } = renderedTokens(crmChart, parseManifests(await renderCase(crmChart, "default")));
      const tokens = path.join(dir, "crm-tokens");
      await writeFile(tokens, file, { mode: 0o600 });
      // /metrics needs no API server: the ingress is given one that does not answer.
      const kubeconfig = path.join(dir, "kubeconfig");
      await writeFile(
        kubeconfig,
        [
          "apiVersion: v1",
          "kind: Config",
          "clusters: [{name: none, cluster: {server: 'https://127.0.0.1:1'}}]",
          "users: [{name: none, user: {token: none}}]",
          "contexts: [{name: none, context: {cluster: none, user: none}}]",
          "current-context: none",
          "",
        ].join("\n"),
      );
      const crm = await startCrm(["ingress"], {
        KUBECONFIG: kubeconfig,
        OPRC_CRM_PROFILE: "dev",
        OPRC_CRM_AUTH_TOKENS_FILE: tokens,
      });
      try {
        await waitFor(
          async () => {
            if (crm.child.exitCode !== null) throw new Error(`crm exited:\n${crm.output().slice(-2000)}`);
            return (await fetch(`${crm.url}/healthz`).catch(() => undefined))?.status === 200;
          },
          { description: "crm ingress /healthz", timeoutMs: 60_000, intervalMs: 200 },
        );
        const ok = await scrape(crm.url, token);
        expect(ok.status, ok.text).to.equal(200);
        expect(ok.text).to.contain("# TYPE");
        expect((await scrape(crm.url)).status).to.equal(401);
      } finally {
        await crm.stop();
      }
    });
  });
});
