import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { kubernetesVersion, runHelm } from "@oaas/testkit";
import { expect } from "chai";
import { parseUsersFile } from "@oaas/auth";
import { parsePmConfig } from "../../../services/pm/src/config/index.ts";
import {
  chartDir,
  charts,
  crmChart,
  pmChart,
  goldenFile,
  goldenText,
  parseManifests,
  renderCase,
  resolveEnv,
  valueCases,
  valuesArgs,
  type Manifest,
  type ValueCase,
} from "../../charts/charts.ts";
import { withoutPendingUnknown } from "../../charts/env-check.ts";

// helm lint / helm template of both charts with their defaults (no values at all) and the
// dev, edge and full values, the golden manifests, the programs' own configuration
// parsers on every rendered environment, and the schema and template checks that reject
// bad values. Needs only the helm binary (built by e2e/cluster/build-helm.sh), no cluster.
describe("helm charts: lint, render, golden files, schema", function () {
  this.timeout(120_000);

  it("helm assumes the test cluster's Kubernetes version without --kube-version (build-helm.sh)", async () => {
    // A throw-away chart printing the capabilities helm renders with when no cluster is asked.
    const dir = mkdtempSync(path.join(os.tmpdir(), "oaas-helm-capabilities-"));
    try {
      mkdirSync(path.join(dir, "templates"));
      writeFileSync(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: probe\nversion: 0.0.1\n");
      writeFileSync(
        path.join(dir, "templates", "probe.yaml"),
        "kubeVersion: {{ .Capabilities.KubeVersion.Version }}\n",
      );
      const result = await runHelm(["template", "probe", dir]);
      expect(result.code, result.stderr).to.equal(0);
      const [major, minor] = kubernetesVersion().replace(/^v/, "").split(".");
      expect(result.stdout).to.include(`kubeVersion: v${major}.${minor}.0`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const chart of charts) {
    describe(chart.name, () => {
      it("renders with no values and no --kube-version, as a user's first `helm template` does", async () => {
        const result = await runHelm(["template", "t", chartDir(chart)]);
        expect(result.code, result.stderr).to.equal(0);
        expect(parseManifests(result.stdout).some((o) => o.kind === "Deployment")).to.equal(true);
      });

      for (const which of valueCases) {
        it(`lints cleanly (--strict) with ${describeCase(which)}`, async () => {
          const result = await runHelm(["lint", "--strict", chartDir(chart), ...valuesArgs(chart, which)]);
          expect(result.code, result.stdout + result.stderr).to.equal(0);
          expect(result.stdout).to.match(/1 chart\(s\) linted, 0 chart\(s\) failed/);
        });

        it(`renders ${describeCase(which)} exactly as the golden file (npm run charts:update)`, async () => {
          const rendered = await goldenText(chart, which);
          const golden = readFileSync(goldenFile(chart, which), "utf8");
          expect(
            rendered,
            `${path.basename(goldenFile(chart, which))} is stale: run npm run charts:update`,
          ).to.equal(golden);
        });

        it(`gives every pod of ${describeCase(which)} the restricted security context and probes`, async () => {
          for (const workload of podTemplates(parseManifests(await renderCase(chart, which)))) {
            const where = `${workload.kind}/${workload.name}`;
            expect(workload.pod.securityContext?.runAsNonRoot, where).to.equal(true);
            expect(workload.pod.securityContext?.seccompProfile?.type, where).to.equal("RuntimeDefault");
            for (const c of workload.pod.containers) {
              const sc = c.securityContext ?? {};
              expect(sc.readOnlyRootFilesystem, `${where} ${c.name}`).to.equal(true);
              expect(sc.allowPrivilegeEscalation, `${where} ${c.name}`).to.equal(false);
              expect(sc.capabilities?.drop, `${where} ${c.name}`).to.deep.equal(["ALL"]);
              expect(c.livenessProbe, `${where} ${c.name} liveness`).to.be.an("object");
              expect(c.readinessProbe, `${where} ${c.name} readiness`).to.be.an("object");
              expect(JSON.stringify(c.env ?? []), `${where}: no secret value inlined`).not.to.match(
                /password=|token=/i,
              );
            }
          }
        });

        it(`spreads every workload of ${describeCase(which)} with 2+ replicas over nodes, and only those`, async () => {
          for (const o of parseManifests(await renderCase(chart, which))) {
            if (o.kind !== "Deployment" && o.kind !== "StatefulSet") continue;
            const where = `${o.kind}/${o.metadata.name}`;
            const spread = podOf(o).topologySpreadConstraints;
            if ((o.spec?.["replicas"] as number) < 2) {
              expect(spread, where).to.equal(undefined);
              continue;
            }
            // The role's own pods: its selector, which names its component.
            const selector = (o.spec?.["selector"] as { matchLabels: Record<string, string> }).matchLabels;
            expect(selector["app.kubernetes.io/component"], where).to.be.a("string");
            expect(spread, where).to.deep.equal([
              {
                maxSkew: 1,
                topologyKey: "kubernetes.io/hostname",
                whenUnsatisfiable: "ScheduleAnyway",
                labelSelector: { matchLabels: selector },
                matchLabelKeys: ["pod-template-hash"],
              },
            ]);
          }
        });
      }

      it("rejects a wrong-typed value through values.schema.json", async () => {
        const key = chart.name === "oaas-crm" ? "roles.watcher.replicas" : "replicas";
        const result = await template(chart, ["--set-json", `${key}="two"`]);
        expect(result.code).not.to.equal(0);
        expect(result.stderr).to.match(/values don't meet the specifications of the schema/);
        expect(result.stderr).to.include("replicas");
        expect(result.stderr).to.match(/want integer|expected integer/);
      });

      it("rejects an unknown key at the top level and nested", async () => {
        for (const key of [
          "replicaCount",
          chart.name === "oaas-crm" ? "redis.bundled.pasword" : "storage.etcd.tls.ca",
        ]) {
          const result = await template(chart, ["--set", `${key}=1`]);
          expect(result.code, key).not.to.equal(0);
          expect(result.stderr, key).to.match(/additional properties? .*not allowed|additionalProperties/);
          expect(result.stderr, key).to.include(key.split(".").pop());
        }
      });
    });
  }

  describe("oaas-crm specifics", () => {
    const crm = crmChart;

    it("mode=roles: one Deployment per role, watcher with 2 replicas, PDBs for multi-replica roles", async () => {
      const objects = parseManifests(await renderCase(crm, "full"));
      const deployments = objects.filter((o) => o.kind === "Deployment");
      const args = deployments.map((d) => podOf(d).containers[0]?.args?.[0]);
      expect(args).to.have.members(["ingress", "watcher", "reconciler", "analyzer", "enforcer", "dashboard"]);
      const enforcer = deployments.find((d) => podOf(d).containers[0]?.args?.[0] === "enforcer");
      expect(
        enforcer && (podOf(enforcer) as { serviceAccountName?: string }).serviceAccountName,
        "the enforcer runs as its own ServiceAccount",
      ).to.equal("oaas-crm-enforcer");
      const watcher = deployments.find((d) => podOf(d).containers[0]?.args?.[0] === "watcher");
      expect(watcher?.spec?.["replicas"]).to.equal(2);
      const pdbs = objects.filter((o) => o.kind === "PodDisruptionBudget").map((o) => o.metadata.name);
      expect(pdbs).to.have.members(["oaas-crm-ingress", "oaas-crm-watcher", "oaas-crm-reconciler"]);
      expect(
        objects.some((o) => o.kind === "StatefulSet"),
        "external Redis: no bundled one",
      ).to.equal(false);
      expect(objects.some((o) => o.kind === "ServiceMonitor")).to.equal(true);
    });

    it("mode=all: one `crm all` Deployment serving ingress and dashboard, bundled Redis with AOF everysec and noeviction", async () => {
      const objects = parseManifests(await renderCase(crm, "dev"));
      const deployments = objects.filter((o) => o.kind === "Deployment");
      expect(deployments.map((d) => podOf(d).containers[0]?.args)).to.deep.equal([["all"]]);
      const services = objects.filter((o) => o.kind === "Service");
      const selectors = services.map(
        (s) => (s.spec?.["selector"] as Record<string, string>)["app.kubernetes.io/component"],
      );
      expect(selectors).to.include.members(["all", "redis"]);
      const config = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "oaas-crm-redis");
      const conf = (config?.["data"] as Record<string, string>)["redis.conf"];
      expect(conf)
        .to.match(/^appendonly yes$/m)
        .and.match(/^appendfsync everysec$/m);
      expect(conf).to.match(/^maxmemory-policy noeviction$/m);
      expect(objects.find((o) => o.kind === "StatefulSet")?.spec?.["replicas"]).to.equal(1);
    });

    it("mounts the dashboard credentials from the Secret and never puts them in env", async () => {
      const objects = parseManifests(await renderCase(crm, "full"));
      const dashboard = objects.find(
        (o) => o.kind === "Deployment" && o.metadata.name === "oaas-crm-dashboard",
      );
      if (!dashboard) throw new Error("no dashboard Deployment rendered");
      const pod = podOf(dashboard);
      expect(pod.volumes?.find((v) => v.name === "dashboard-auth")?.secret?.secretName).to.equal(
        "oaas-crm-dashboard",
      );
      const env = pod.containers[0]?.env ?? [];
      expect(env.find((e) => e.name === "OPRC_CRM_DASHBOARD_AUTH_FILE")?.value).to.equal(
        "/etc/oaas/dashboard/users",
      );
      expect(env.some((e) => JSON.stringify(e).includes("oaas-crm-dashboard"))).to.equal(false);
    });

    it("defaults: generates the dashboard credentials (user admin, 32 random characters) in a Secret the dashboard mounts, and the CRM's parser accepts them", async () => {
      const renders = [await renderCase(crm, "default"), await renderCase(crm, "default")];
      const passwords = renders.map((text) => {
        const objects = parseManifests(text);
        const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === "oaas-crm-dashboard");
        if (!secret) throw new Error("no generated dashboard Secret rendered");
        const file = Buffer.from((secret["data"] as Record<string, string>)["credentials"] ?? "", "base64");
        const credentials = parseUsersFile(file.toString("utf8"), "viewer");
        expect([...credentials.users.keys()]).to.deep.equal(["admin"]);
        const dashboard = objects.find(
          (o) => o.kind === "Deployment" && o.metadata.name === "oaas-crm-dashboard",
        );
        if (!dashboard) throw new Error("no dashboard Deployment rendered");
        expect(
          podOf(dashboard).volumes?.find((v) => v.name === "dashboard-auth")?.secret?.secretName,
        ).to.equal("oaas-crm-dashboard");
        return credentials.users.get("admin")?.password ?? "";
      });
      for (const password of passwords) expect(password).to.match(/^[A-Za-z0-9]{32}$/);
      // Without a cluster to look the Secret up in, each render makes a new one.
      expect(passwords[0]).not.to.equal(passwords[1]);
    });

    it("renders no dashboard Secret when dashboard.auth.existingSecret names one, or the dashboard is off", async () => {
      for (const args of [[], ["--set", "dashboard.enabled=false"]]) {
        const objects = parseManifests(await renderCase(crm, "full", args));
        // ci/full names its own Secrets for everything (dashboard, tokens, Redis): none generated.
        expect(objects.filter((o) => o.kind === "Secret")).to.deep.equal([]);
      }
    });

    const refusals: [string, string[], RegExp][] = [
      ["mTLS without a Secret", ["--set", "mtls.enabled=true"], /mtls\.secretName/],
      [
        "an mTLS client allowlist without mTLS",
        ["--set", "auth.mtlsClients.existingSecret=x"],
        /mtls\.enabled=true/,
      ],
      ["Knative on without its RBAC", ["--set", "features.knative=true"], /rbac\.knative/],
      [
        "Prometheus analysis without a Prometheus URL",
        ["--set", "features.prometheus=true"],
        /prometheus\.url/,
      ],
      [
        "a Redis Cluster without a hash tag in the queue prefix",
        ["--set", "redis.mode=external", "--set", "redis.external.url=redis+cluster://r-0:6379\\,r-1:6379"],
        /redis\.queuePrefix with a hash tag/,
      ],
    ];
    for (const [what, args, message] of refusals) {
      it(`refuses ${what}`, async () => {
        const result = await template(crm, args);
        expect(result.code).not.to.equal(0);
        expect(result.stderr).to.match(message);
      });
    }
  });

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

function describeCase(which: ValueCase): string {
  return which === "default" ? "the defaults (no values)" : `ci/${which}-values.yaml`;
}

function template(chart: (typeof charts)[number], args: readonly string[]) {
  return runHelm(["template", "x", chartDir(chart), ...valuesArgs(chart, "dev"), ...args]);
}

interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
}

interface PodSpec {
  containers: Container[];
  volumes?: { name: string; secret?: { secretName?: string } }[];
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type?: string } };
  topologySpreadConstraints?: unknown[];
}

function podOf(workload: Manifest): PodSpec {
  return (workload.spec?.["template"] as { spec: PodSpec }).spec;
}

function podTemplates(objects: Manifest[]): { kind: string; name: string; pod: PodSpec }[] {
  return objects
    .filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")
    .map((o) => ({ kind: o.kind, name: o.metadata.name, pod: podOf(o) }));
}
