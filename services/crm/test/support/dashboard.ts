// Set-up helpers of the dashboard's integration suite: DeploymentRecords with a given
// status on the real API server, a headless Chromium, and a folder for screenshots.
import fs from "node:fs";
import path from "node:path";
import { apiVersion, kind, type Condition } from "@oaas/crd";
import { applyObject, type KubeClient } from "@oaas/kube";
import { repoRoot } from "@oaas/testkit";
import { chromium, type Browser } from "playwright-core";
import { deploymentRecords } from "../../src/deployments/record-resource.ts";

/** Debian's chromium; .ci/run installs it. */
export const chromiumPath = "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** test-output/<suite>/ under the repository (ignored by git), created empty. */
export function testOutputDir(suite: string): string {
  const dir = path.join(repoRoot, "test-output", suite);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Creates a record (hand-written form) and writes its status through the status subresource. */
export async function putRecordWithStatus(
  kube: KubeClient,
  namespace: string,
  name: string,
  conditions: Omit<Condition, "lastTransitionTime">[],
): Promise<void> {
  await applyObject(
    kube,
    deploymentRecords,
    {
      apiVersion,
      kind,
      metadata: { name, namespace },
      spec: {
        deployment_id: name,
        selected_template: "dev",
        function: { image: "ghcr.io/oaas/example:1", port: 8080 },
      },
    },
    { fieldManager: "oaas-dashboard-tests" },
  );
  const lastTransitionTime = new Date(Date.now() - 90_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  await kube.request({
    method: "PATCH",
    path: `/apis/oaas.io/v1alpha1/namespaces/${namespace}/deploymentrecords/${name}/status`,
    body: {
      status: { observedGeneration: 1, conditions: conditions.map((c) => ({ ...c, lastTransitionTime })) },
    },
    contentType: "application/merge-patch+json",
  });
}
