// helm template of the oaas-pm chart: durable storage (bundled etcd) by default, memory
// storage when chosen, and each cluster mapped to OPRC_PM_CRM_<NAME>_* settings that the
// PM's own configuration parser accepts. Needs only the helm binary, no cluster.
import { expect } from "chai";
import { parsePmConfig } from "../../../services/pm/src/config/index.ts";
import { parseManifests, pmChart, renderCase, resolveEnv } from "../../charts/charts.ts";
import { withoutPendingUnknown } from "../../charts/env-check.ts";
import { podOf, template } from "./render-support.ts";

describe("helm charts: lint, render, golden files, schema", function () {
  this.timeout(120_000);

  describe("oaas-pm specifics", () => {
    const pm = pmChart;

    it("defaults to durable storage: a bundled etcd StatefulSet on a volume, the PM pointed at its Service, reachable from PM pods only", async () => {
      const objects = parseManifests(await renderCase(pm, "default"));
      const deployment = objects.find((o) => o.kind === "Deployment");
      if (!deployment) throw new Error("no Deployment rendered");
      const config = parsePmConfig(
        withoutPendingUnknown("pm", resolveEnv(podOf(deployment).containers[0]?.env ?? [])),
      );
      expect(config.storage.type).to.equal("etcd");
      const etcd = objects.find((o) => o.kind === "StatefulSet");
      expect(etcd?.metadata.name).to.equal("oaas-pm-etcd");
      const claims = etcd?.spec?.["volumeClaimTemplates"] as { metadata: { name: string } }[] | undefined;
      expect(claims?.map((c) => c.metadata.name)).to.deep.equal(["data"]);
      const service = objects.find((o) => o.kind === "Service" && o.metadata.name === "oaas-pm-etcd");
      expect(service?.spec?.["selector"]).to.deep.equal(
        (etcd?.spec?.["selector"] as { matchLabels: unknown }).matchLabels,
      );
      expect(config.storage.type === "etcd" && config.storage.etcd.endpoints).to.deep.equal([
        "http://oaas-pm-etcd.oaas-system.svc:2379",
      ]);
      const policy = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "oaas-pm-etcd");
      // loadAllYaml reads into @kubernetes/client-node's models, which name `from` `_from`.
      const from = (policy?.spec?.["ingress"] as { _from: { podSelector: { matchLabels: unknown } }[] }[])[0]
        ?._from;
      expect(from).to.deep.equal([
        {
          podSelector: {
            matchLabels: (deployment.spec?.["selector"] as { matchLabels: unknown }).matchLabels,
          },
        },
      ]);
    });

    it("memory storage only when chosen: no etcd rendered, the Recreate strategy", async () => {
      const objects = parseManifests(await renderCase(pm, "dev"));
      expect(
        objects.filter((o) => o.kind === "StatefulSet" || o.metadata.name === "oaas-pm-etcd"),
      ).to.deep.equal([]);
      const deployment = objects.find((o) => o.kind === "Deployment");
      expect(deployment?.spec?.["strategy"]).to.deep.equal({ type: "Recreate" });
    });

    it("maps each cluster, default included, to OPRC_PM_CRM_<NAME>_* with its token and the client certificate on https", async () => {
      const objects = parseManifests(await renderCase(pm, "full"));
      const deployment = objects.find((o) => o.kind === "Deployment");
      if (!deployment) throw new Error("no Deployment rendered");
      const env = podOf(deployment).containers[0]?.env ?? [];
      const byName = new Map(env.map((e) => [e.name, e]));
      expect(byName.get("OPRC_PM_CRM_CLUSTERS")?.value).to.equal("default,prod-eu,prod-us");
      expect(byName.get("OPRC_PM_CRM_DEFAULT_URL")?.value).to.equal("https://oaas-crm.oaas-system:8088");
      for (const cluster of ["DEFAULT", "PROD_EU", "PROD_US"]) {
        expect(byName.get(`OPRC_PM_CRM_${cluster}_CA_CERT_PATH`)?.value, cluster).to.equal(
          "/etc/oaas/crm-tls/ca.crt",
        );
        expect(byName.get(`OPRC_PM_CRM_${cluster}_CLIENT_KEY_PATH`)?.value, cluster).to.equal(
          "/etc/oaas/crm-tls/tls.key",
        );
      }
      expect(byName.get("OPRC_PM_CRM_PROD_EU_URL")?.value).to.equal("https://crm.eu.example:8088");
      expect(byName.get("OPRC_PM_CRM_PROD_EU_TIMEOUT")?.value).to.equal("15");
      expect(byName.has("OPRC_PM_CRM_PROD_US_TIMEOUT")).to.equal(false);
      // Secrets as mounted files, never env values.
      expect(byName.get("OPRC_PM_CRM_PROD_US_TOKEN_FILE")?.value).to.equal(
        "/etc/oaas/crm-tokens/prod-us/token",
      );
      expect(byName.get("OPRC_PM_ETCD_PASSWORD_FILE")?.value).to.equal("/etc/oaas/etcd-auth/password");
      expect([...byName.keys()].filter((n) => /TOKEN$|PASSWORD$/.test(n))).to.deep.equal([]);
      const volumes = podOf(deployment).volumes ?? [];
      expect(volumes.find((v) => v.name === "crm-token-prod-us")?.secret?.secretName).to.equal(
        "oaas-pm-crm-tokens",
      );
      expect(volumes.find((v) => v.name === "etcd-auth")?.secret?.secretName).to.equal("oaas-pm-etcd-auth");
      expect(byName.get("ETCD_ENDPOINTS")?.value).to.equal(
        "https://etcd-0.etcd:2379,https://etcd-1.etcd:2379,https://etcd-2.etcd:2379",
      );
    });

    const refusals: [string, string[], RegExp][] = [
      ["two replicas on memory storage", ["--set", "replicas=2"], /storage\.type=etcd/],
      [
        "an external etcd without endpoints",
        ["--set", "storage.type=etcd,storage.etcd.mode=external"],
        /storage\.etcd\.endpoints/,
      ],
      [
        "auth or TLS settings with the bundled etcd",
        ["--set", "storage.type=etcd,storage.etcd.auth.existingSecret=x"],
        /storage\.etcd\.mode=external/,
      ],
      [
        "an ETCD_TLS_INSECURE value (the PM refuses to skip verification)",
        ["--set", "storage.etcd.tls.insecureSkipVerify=true"],
        /additional propert/,
      ],
      [
        "a cluster named twice",
        [
          "--set",
          "crm.clusters[0].name=a-b,crm.clusters[0].url=http://x,crm.clusters[1].name=a-b,crm.clusters[1].url=http://y",
        ],
        /used twice/,
      ],
    ];
    for (const [what, args, message] of refusals) {
      it(`refuses ${what}`, async () => {
        const result = await template(pm, args);
        expect(result.code).not.to.equal(0);
        expect(result.stderr).to.match(message);
      });
    }
  });
});
