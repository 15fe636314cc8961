// The CustomResourceDefinition of DeploymentRecord, built from schema.ts. Pure: the
// ingress installs it from here in tests and `npm run crdgen` writes it to the chart.
import { group, kind, plural, shortName, singular, version } from "./record.ts";
import type { JsonSchemaProps } from "./json-schema.ts";
import { specSchema, statusSchema } from "./schema.ts";

export const crdName = `${plural}.${group}`;

export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description?: string;
  /** 0: always shown; 1: only with -o wide. */
  priority?: number;
}

/** apiextensions.k8s.io/v1 CustomResourceDefinition, as far as this CRD uses it (wire names). */
export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    group: string;
    scope: "Namespaced" | "Cluster";
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: JsonSchemaProps };
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
      selectableFields: { jsonPath: string }[];
    }[];
  };
}

/**
 * Reason shows status.reason, the reason of whichever condition explains the phase
 * (derived with it by statusSummary), not the Available condition's: a record that is
 * Available=True but Degraded (one function crash-looping) or being rolled out would
 * otherwise show a reason that says nothing about why its phase is not Available.
 */
const printerColumns: PrinterColumn[] = [
  { name: "Class", type: "string", jsonPath: ".spec.class_key" },
  { name: "Template", type: "string", jsonPath: ".status.selected_template" },
  { name: "Phase", type: "string", jsonPath: ".status.phase" },
  { name: "Available", type: "string", jsonPath: '.status.conditions[?(@.type=="Available")].status' },
  { name: "Reason", type: "string", jsonPath: ".status.reason" },
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  { name: "Package", type: "string", jsonPath: ".spec.package_name", priority: 1 },
  { name: "Env", type: "string", jsonPath: ".spec.target_env", priority: 1 },
  { name: "Message", type: "string", jsonPath: ".status.message", priority: 1 },
];

const rootSchema: JsonSchemaProps = {
  description: "One class deployment managed by the OaaS Class Runtime Manager.",
  type: "object",
  properties: {
    apiVersion: { description: "oaas.io/v1alpha1.", type: "string" },
    kind: { description: "DeploymentRecord.", type: "string" },
    // The API server refuses anything but type here (even a description); kubectl explain
    // describes ObjectMeta itself.
    metadata: { type: "object" },
    spec: specSchema,
    status: statusSchema,
  },
  required: ["spec"],
};

/**
 * The CRD in wire form (plain JSON names). Caveat for installers: do NOT send it through
 * client-node's KubernetesObjectApi.patch/create, which re-serializes known kinds through
 * typed models keyed by camelCase names (`_enum`, `xKubernetesListType`) and so silently
 * drops every `enum` and `x-kubernetes-*` below the root. Use
 * `ApiextensionsV1Api.patchCustomResourceDefinition({ name: crdName, body, fieldManager,
 * force: true }, setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply))`, which
 * sends the body as is (test/integration/support.ts applyCrd does exactly that).
 */
export function deploymentRecordCrd(): CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: crdName, labels: { "app.kubernetes.io/part-of": "oaas" } },
    spec: {
      group,
      scope: "Namespaced",
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular,
        shortNames: [shortName],
        categories: ["oaas"],
      },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          // A deep copy: callers may mutate what they get without touching the module's schema.
          schema: { openAPIV3Schema: structuredClone(rootSchema) },
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns.map((c) => ({ ...c })),
          // Field selectors (GA in Kubernetes 1.32): List can filter on the server.
          selectableFields: [
            { jsonPath: ".spec.deployment_id" },
            { jsonPath: ".spec.package_name" },
            { jsonPath: ".spec.class_key" },
            { jsonPath: ".spec.target_env" },
          ],
        },
      ],
    },
  };
}
