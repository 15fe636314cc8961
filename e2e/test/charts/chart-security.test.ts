import { expect } from "chai";
import { crmChart, parseManifests, pmChart, renderCase, type Manifest } from "../../charts/charts.ts";

// The charts' secure defaults as rendered: authentication on unless
// `insecure: true`, its tokens file generated or from a Secret and mounted (never an env
// value), the bundled Redis behind a generated password the CRM reads as a file, and
// NetworkPolicies that admit only who needs each port. The programs' parsers accepting
// these environments: chart-env.test.ts; the RBAC: role-rbac.test.ts. Needs only helm.

interface Container {
  name: string;
  env?: { name: string; value?: string }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Pod {
  containers: Container[];
  volumes?: { name: string; secret?: { secretName?: string; items?: { key: string }[] } }[];
}
interface Peer {
  namespaceSelector?: { matchLabels?: Record<string, string> };
  podSelector?: { matchExpressions?: { values?: string[] }[] };
}
/** client-node's models name a NetworkPolicy rule's `from` `_from`. */
interface Rule {
  _from?: Peer[];
  ports?: { port: string }[];
}

const podOf = (o: Manifest): Pod => (o.spec?.["template"] as { spec: Pod }).spec;
const envOf = (c: Container | undefined) => new Map((c?.env ?? []).map((e) => [e.name, e.value]));
const find = (objects: Manifest[], kind: string, name: string): Manifest => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} rendered`);
  return found;
};
const secretText = (secret: Manifest, key: string) =>
  Buffer.from((secret["data"] as Record<string, string>)[key] ?? "", "base64").toString("utf8");
const rules = (policy: Manifest) => (policy.spec?.["ingress"] ?? []) as Rule[];

describe("helm charts: secure defaults (auth, Redis password, NetworkPolicies)", function () {
  this.timeout(120_000);

  it("CRM defaults: a generated admin token file mounted into every role, auth never disabled", async () => {
    const objects = parseManifests(await renderCase(crmChart, "default"));
    const file = secretText(find(objects, "Secret", "oaas-crm-auth"), "tokens");
    expect(file).to.match(/^[A-Za-z0-9]{48},admin,admin\n[A-Za-z0-9]{48},metrics-scraper,metrics\n$/);
    const deployments = objects.filter((o) => o.kind === "Deployment");
    expect(deployments).to.have.length(4);
    for (const d of deployments) {
      const pod = podOf(d);
      const env = envOf(pod.containers[0]);
      expect(env.get("OPRC_CRM_AUTH_TOKENS_FILE"), d.metadata.name).to.equal("/etc/oaas/auth/tokens");
      expect(env.has("OPRC_CRM_AUTH_DISABLED"), d.metadata.name).to.equal(false);
      expect(env.get("OPRC_CRM_ALLOWED_NAMESPACES"), d.metadata.name).to.equal("oaas-system");
      expect(pod.volumes?.find((v) => v.name === "auth-tokens")?.secret?.secretName).to.equal(
        "oaas-crm-auth",
      );
      expect(pod.containers[0]?.volumeMounts).to.deep.include({
        name: "auth-tokens",
        mountPath: "/etc/oaas/auth",
        readOnly: true,
      });
    }
  });

  it("PM defaults: a generated admin token file, mounted; insecure=true alone turns auth off in both charts", async () => {
    const pm = parseManifests(await renderCase(pmChart, "default"));
    expect(secretText(find(pm, "Secret", "oaas-pm-auth"), "tokens")).to.match(
      /^[A-Za-z0-9]{48},admin,admin\n[A-Za-z0-9]{48},metrics-scraper,metrics\n$/,
    );
    const env = envOf(podOf(find(pm, "Deployment", "oaas-pm")).containers[0]);
    expect(env.get("OPRC_PM_AUTH_TOKENS_FILE")).to.equal("/etc/oaas/auth/tokens");
    expect(env.has("OPRC_PM_AUTH_DISABLED")).to.equal(false);
    for (const [chart, prefix, name, secret] of [
      [pmChart, "OPRC_PM", "oaas-pm", "oaas-pm-auth"],
      [crmChart, "OPRC_CRM", "oaas-crm-ingress", "oaas-crm-auth"],
    ] as const) {
      const objects = parseManifests(await renderCase(chart, "default", ["--set", "insecure=true"]));
      const insecure = envOf(podOf(find(objects, "Deployment", name)).containers[0]);
      expect(insecure.get(`${prefix}_AUTH_DISABLED`), chart.name).to.equal("true");
      expect(insecure.has(`${prefix}_AUTH_TOKENS_FILE`), chart.name).to.equal(false);
      expect(
        objects.some((o) => o.kind === "Secret" && o.metadata.name === secret),
        chart.name,
      ).to.equal(false);
    }
  });

  it("bundled Redis: a generated password in a Secret, required by redis.conf, read by the CRM as a file", async () => {
    const renders = [await renderCase(crmChart, "dev"), await renderCase(crmChart, "dev")].map(
      parseManifests,
    );
    const passwords = renders.map((objects) => {
      const secret = find(objects, "Secret", "oaas-crm-redis-auth");
      const password = secretText(secret, "password");
      expect(secretText(secret, "auth.conf")).to.equal(`requirepass ${password}\n`);
      const conf = (find(objects, "ConfigMap", "oaas-crm-redis")["data"] as Record<string, string>)[
        "redis.conf"
      ];
      expect(conf).to.match(/^include \/etc\/redis-auth\/auth\.conf$/m);
      expect(conf).not.to.include(password);
      const crm = podOf(find(objects, "Deployment", "oaas-crm-all"));
      expect(envOf(crm.containers[0]).get("OPRC_CRM_REDIS_PASSWORD_FILE")).to.equal(
        "/etc/oaas/redis/password",
      );
      expect(crm.volumes?.find((v) => v.name === "redis-password")?.secret?.secretName).to.equal(
        "oaas-crm-redis-auth",
      );
      return password;
    });
    for (const p of passwords) expect(p).to.match(/^[A-Za-z0-9]{40}$/);
    // Without a cluster to look the Secret up in, each render makes a new one.
    expect(passwords[0]).not.to.equal(passwords[1]);
  });

  it("NetworkPolicies: only the CRM pods reach Redis, only the configured namespaces the ingress, nothing the watcher", async () => {
    const objects = parseManifests(
      await renderCase(crmChart, "default", [
        "--set-json",
        'networkPolicy.ingressFromNamespaces=["oaas-pm"]',
      ]),
    );
    const redis = rules(find(objects, "NetworkPolicy", "oaas-crm-redis"));
    expect(redis.map((r) => r._from?.[0]?.podSelector?.matchExpressions?.[0]?.values)).to.deep.equal([
      ["ingress", "watcher", "reconciler", "dashboard"],
    ]);
    const ingress = rules(find(objects, "NetworkPolicy", "oaas-crm-ingress"));
    expect(ingress.flatMap((r) => r._from ?? [])).to.deep.equal([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "oaas-pm" } } },
    ]);
    expect(rules(find(objects, "NetworkPolicy", "oaas-crm-watcher"))).to.deep.equal([]);
    expect(rules(find(objects, "NetworkPolicy", "oaas-crm-dashboard"))).to.deep.equal([]);
    const pm = parseManifests(await renderCase(pmChart, "default"));
    expect(rules(find(pm, "NetworkPolicy", "oaas-pm")).map((r) => r.ports?.map((p) => p.port))).to.deep.equal(
      [["http"]],
    );
  });
});
