import { readFileSync } from "node:fs";
import path from "node:path";
import { knownVariables, parseCrmConfig } from "@oaas/config";
import { runHelm } from "@oaas/testkit";
import { expect } from "chai";
import {
  chartDir,
  charts,
  crmChart,
  pmChart,
  goldenFile,
  kubeVersionArgs,
  parseManifests,
  renderCase,
  valueCases,
  valuesFile,
  type Manifest,
} from "../../charts/charts.ts";

// helm lint / helm template of both charts with the dev, edge and full values, the golden
// manifests, and the schema and template checks that reject bad values. Needs only the
// helm binary (built by e2e/cluster/build.sh), no cluster.
describe("helm charts: lint, render, golden files, schema", function () {
  this.timeout(120_000);

  for (const chart of charts) {
    describe(chart.name, () => {
      for (const which of valueCases) {
        it(`lints cleanly (--strict) with ci/${which}-values.yaml`, async () => {
          const result = await runHelm([
            "lint",
            "--strict",
            chartDir(chart),
            "--values",
            valuesFile(chart, which),
            ...kubeVersionArgs(),
          ]);
          expect(result.code, result.stdout + result.stderr).to.equal(0);
          expect(result.stdout).to.match(/1 chart\(s\) linted, 0 chart\(s\) failed/);
        });

        it(`renders ci/${which}-values.yaml exactly as the golden file (npm run charts:update)`, async () => {
          const rendered = await renderCase(chart, which);
          const golden = readFileSync(goldenFile(chart, which), "utf8");
          expect(
            rendered,
            `${path.basename(goldenFile(chart, which))} is stale: run npm run charts:update`,
          ).to.equal(golden);
        });

        it(`gives every pod of ci/${which}-values.yaml the restricted security context and probes`, async () => {
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
      // analyzer and enforcer are off in ci/full-values.yaml until those roles exist.
      expect(args).to.have.members(["ingress", "watcher", "reconciler", "dashboard"]);
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

    for (const which of valueCases) {
      it(`sets only OPRC_CRM_* names the CRM knows, forming a valid configuration (ci/${which}-values.yaml)`, async () => {
        const objects = parseManifests(
          await renderCase(crm, which, ["--set", "serviceMonitor.enabled=false"]),
        );
        for (const d of objects.filter((o) => o.kind === "Deployment")) {
          const env = resolveEnv(podOf(d).containers[0]?.env ?? []);
          // The dashboard's variables are named by this chart ahead of the dashboard role's
          // config (see the README); checked here as soon as @oaas/config knows them.
          const pending = Object.keys(env).filter(
            (n) => n.startsWith("OPRC_CRM_DASHBOARD_") && !knownVariables.has(n),
          );
          for (const name of pending) Reflect.deleteProperty(env, name);
          const unknown = Object.keys(env).filter((n) => n.startsWith("OPRC_CRM_") && !knownVariables.has(n));
          expect(unknown, d.metadata.name).to.deep.equal([]);
          expect(() => parseCrmConfig(env), d.metadata.name).not.to.throw();
        }
      });
    }

    const refusals: [string, string[], RegExp][] = [
      [
        "the dashboard without a credentials Secret",
        ["--set", "dashboard.auth.existingSecret="],
        /dashboard\.auth\.existingSecret/,
      ],
      ["mTLS without a Secret", ["--set", "mtls.enabled=true"], /mtls\.secretName/],
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

    it("maps each cluster to OPRC_PM_CRM_<NAME>_* with the token from its Secret", async () => {
      const objects = parseManifests(await renderCase(pm, "full"));
      const deployment = objects.find((o) => o.kind === "Deployment");
      if (!deployment) throw new Error("no Deployment rendered");
      const env = podOf(deployment).containers[0]?.env ?? [];
      const byName = new Map(env.map((e) => [e.name, e]));
      expect(byName.get("OPRC_PM_CRM_CLUSTERS")?.value).to.equal("prod-eu,prod-us");
      expect(byName.get("OPRC_PM_CRM_PROD_EU_URL")?.value).to.equal("https://crm.eu.example:8088");
      expect(byName.get("OPRC_PM_CRM_PROD_EU_TIMEOUT")?.value).to.equal("15");
      expect(byName.has("OPRC_PM_CRM_PROD_US_TIMEOUT")).to.equal(false);
      expect(byName.get("OPRC_PM_CRM_PROD_US_TOKEN")?.valueFrom).to.deep.equal({
        secretKeyRef: { name: "oaas-pm-crm-tokens", key: "prod-us" },
      });
      expect(byName.get("ETCD_PASSWORD")?.valueFrom).to.deep.equal({
        secretKeyRef: { name: "oaas-pm-etcd-auth", key: "password" },
      });
      expect(byName.get("ETCD_ENDPOINTS")?.value).to.equal(
        "https://etcd-0.etcd:2379,https://etcd-1.etcd:2379,https://etcd-2.etcd:2379",
      );
    });

    const refusals: [string, string[], RegExp][] = [
      ["two replicas on memory storage", ["--set", "replicas=2"], /storage\.type=etcd/],
      ["etcd without endpoints", ["--set", "storage.type=etcd"], /storage\.etcd\.endpoints/],
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

function template(chart: (typeof charts)[number], args: readonly string[]) {
  return runHelm([
    "template",
    "x",
    chartDir(chart),
    "--values",
    valuesFile(chart, "dev"),
    ...kubeVersionArgs(),
    ...args,
  ]);
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
}

/**
 * The environment a container would see: fieldRef (the namespace) and secretKeyRef values
 * replaced by stand-ins, and $(VAR) references expanded as the kubelet does.
 */
function resolveEnv(env: NonNullable<Container["env"]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    const raw =
      e.value ??
      (JSON.stringify(e.valueFrom).includes("fieldRef")
        ? "oaas-system"
        : e.name === "OPRC_CRM_REDIS_URL"
          ? "redis://from-secret:6379"
          : "from-secret");
    out[e.name] = raw.replace(/\$\(([A-Z0-9_]+)\)/g, (whole, name: string) => out[name] ?? whole);
  }
  return out;
}

function podOf(workload: Manifest): PodSpec {
  return (workload.spec?.["template"] as { spec: PodSpec }).spec;
}

function podTemplates(objects: Manifest[]): { kind: string; name: string; pod: PodSpec }[] {
  return objects
    .filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")
    .map((o) => ({ kind: o.kind, name: o.metadata.name, pod: podOf(o) }));
}
