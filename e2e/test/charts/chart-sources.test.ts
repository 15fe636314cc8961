import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { loadAllYaml } from "@kubernetes/client-node";
import { parseCrmConfig, profiles, vars } from "@oaas/config";
import { group as recordGroup, plural as recordPlural } from "@oaas/crd";
import { repoRoot } from "@oaas/testkit";
import { expect } from "chai";
import {
  chartDir,
  charts,
  crmChart,
  readmeFile,
  tableBegin,
  tableEnd,
  valuesTable,
} from "../../charts/charts.ts";

// Checks of the charts' sources against the rest of the repository; no helm, no cluster.
describe("helm charts: sources agree with the code", () => {
  for (const chart of charts) {
    it(`${chart.name}/README.md lists every value with its values.yaml default (npm run charts:update)`, () => {
      const readme = readFileSync(readmeFile(chart), "utf8");
      const current = readme
        .slice(readme.indexOf(tableBegin) + tableBegin.length, readme.indexOf(tableEnd))
        .trim();
      expect(current, `${chart.name}/README.md values table is stale: run npm run charts:update`).to.equal(
        valuesTable(chart),
      );
      expect(current.split("\n").length).to.be.greaterThan(20);
    });
  }

  const crmDir = chartDir(crmChart);

  it("files/profile-features.yaml matches the profile defaults of @oaas/config", () => {
    const table = loadAllYaml(
      readFileSync(path.join(crmDir, "files/profile-features.yaml"), "utf8"),
    )[0] as Record<string, string[]>;
    for (const feature of ["knative", "prometheus"] as const) {
      // The effective default of each profile (a URL, so a profile with Prometheus on starts).
      const env = (p: string) => ({
        [vars.profile]: p,
        [vars.mtls]: "false",
        [vars.promUrl]: "http://prometheus.monitoring:9090",
        // Profiles edge and full refuse to start with no credentials; features do not depend on them.
        [vars.authDisabled]: "true",
      });
      const on = profiles.filter((p) => parseCrmConfig(env(p)).features[feature]);
      expect(table[feature], feature).to.have.members(on);
    }
  });

  it("files/roles/*.yaml (the union `crm all` gets) have an entry for every resource type the code names", () => {
    const rolesDir = path.join(crmDir, "files/roles");
    const calls = readdirSync(rolesDir).flatMap(
      (file) =>
        loadAllYaml(readFileSync(path.join(rolesDir, file), "utf8"))[0] as {
          group: string;
          resources: string[];
        }[],
    );
    const listed = new Set(calls.flatMap((c) => c.resources.map((r) => `${c.group}/${r.split("/")[0]}`)));
    const named = resourceTypesInCode();
    expect(named.size, "found no resource types: the scan is broken").to.be.greaterThan(3);
    for (const [resource, where] of named) {
      expect(
        listed.has(resource),
        `${resource} (named in ${where}) is missing from every files/roles/*.yaml`,
      ).to.equal(true);
    }
  });
});

/**
 * Resource types the CRM's code names: ResourceType literals (`group: "...", ..., plural:
 * "..."`) anywhere in packages/ and services/ sources, and the kinds packages/templates
 * renders (each with its API group). An unknown rendered kind fails here, so a new child
 * type cannot ship without its RBAC.
 */
function resourceTypesInCode(): Map<string, string> {
  const kinds: Record<string, string[]> = {
    Deployment: ["apps/deployments"],
    // Core Service and Knative Service share the kind; templates render both.
    Service: ["/services"],
    HorizontalPodAutoscaler: ["autoscaling/horizontalpodautoscalers"],
    ServiceMonitor: ["monitoring.coreos.com/servicemonitors"],
    PodMonitor: ["monitoring.coreos.com/podmonitors"],
  };
  const found = new Map<string, string>();
  for (const file of sourceFiles()) {
    const text = readFileSync(file, "utf8");
    const where = path.relative(repoRoot, file);
    for (const m of text.matchAll(/group:\s*"([^"]*)"[^}]*?plural:\s*"([a-z]+)"/g)) {
      found.set(`${m[1]}/${m[2]}`, where);
    }
    // `{ group, version, plural }` shorthand: the DeploymentRecord's own names from @oaas/crd.
    for (const m of text.matchAll(/ResourceType\s*=\s*\{([^}]*)\}/g)) {
      const fields = m[1] ?? "";
      if (/^\s*group\s*,[^}]*\bplural\s*[,}]?/.test(fields) && !/group:/.test(fields)) {
        found.set(`${recordGroup}/${recordPlural}`, where);
      }
    }
    if (where.startsWith("packages/templates/")) {
      for (const m of text.matchAll(/kind:\s*"([A-Za-z]+)"/g)) {
        const kind = m[1] ?? "";
        const resources = kinds[kind];
        if (!resources)
          throw new Error(
            `${where} renders kind ${kind}: add it to the files/roles/*.yaml of the roles that call it and to this map`,
          );
        for (const r of resources) found.set(r, where);
      }
      if (/serving\.knative\.dev/.test(text)) found.set("serving.knative.dev/services", where);
    }
  }
  return found;
}

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) out.push(full);
    }
  };
  for (const top of ["packages", "services"]) {
    for (const pkg of readdirSync(path.join(repoRoot, top))) {
      const src = path.join(repoRoot, top, pkg, "src");
      // The test kit and the crd package describe objects for tests and the CRD itself, not CRM calls.
      if (pkg === "testkit") continue;
      try {
        if (statSync(src).isDirectory()) walk(src);
      } catch {
        // a workspace without src/
      }
    }
  }
  return out;
}
