// helm lint / helm template of both charts with their defaults (no values at all) and the
// dev, edge and full values, the golden manifests, and the schema and template checks that
// reject bad values. Each chart's specifics: chart-render-crm.test.ts and
// chart-render-pm.test.ts. Needs only the helm binary (built by e2e/cluster/build-helm.sh),
// no cluster.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { kubernetesVersion, runHelm } from "@oaas/testkit";
import { expect } from "chai";
import {
  chartDir,
  charts,
  goldenFile,
  goldenText,
  parseManifests,
  renderCase,
  valueCases,
  valuesArgs,
} from "../../charts/charts.ts";
import { describeCase, podOf, podTemplates, template } from "./render-support.ts";

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
});
