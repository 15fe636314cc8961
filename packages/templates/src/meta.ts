// Labels, owner references and metadata shared by every child: computed here once so
// every object carries the same owner label and exactly one controller reference.
import type { V1ObjectMeta } from "@kubernetes/client-node";
import {
  apiVersion,
  deploymentIdLabel,
  functionLabel,
  kind,
  labelValue,
  ownerLabel,
  type DeploymentRecord,
} from "@oaas/crd";

/** Which part of a record a child belongs to: "function" or "odgm" (templates' own label). */
export const componentLabel = "oaas.io/component";
/** The conventional `app` label; function pods of a record share it, so one monitor selects them all. */
export const appLabel = "app";

export type Labels = Record<string, string>;

/** The one controller reference every child carries (a plain shape, copied per object). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: true;
  blockOwnerDeletion: true;
}

/** What every child of one record has in common. */
export interface Owner {
  /** Record name. */
  name: string;
  namespace?: string;
  /** Owner label value (the record name, made label-safe). */
  ownerValue: string;
  reference: OwnerReference;
  /** Labels on every child: owner, plus deployment id when the record has one. */
  common: Labels;
}

export function ownerOf(record: DeploymentRecord, uid: string): Owner {
  const name = record.metadata.name;
  const ownerValue = labelValue(name);
  const common: Labels = { [ownerLabel]: ownerValue };
  const deploymentId = record.spec.deployment_id;
  if (deploymentId !== undefined && deploymentId !== "") common[deploymentIdLabel] = labelValue(deploymentId);
  return {
    name,
    ...(record.metadata.namespace === undefined ? {} : { namespace: record.metadata.namespace }),
    ownerValue,
    reference: { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true },
    common,
  };
}

/** Selector labels of one function's pods: stable for the function key, never its list position. */
export function functionSelector(owner: Owner, functionKey: string): Labels {
  return {
    [appLabel]: owner.ownerValue,
    [ownerLabel]: owner.ownerValue,
    [functionLabel]: labelValue(functionKey),
  };
}

/** Selector labels of the record's ODGM pods. */
export function odgmSelector(owner: Owner, odgmName: string): Labels {
  return { [appLabel]: odgmName, [ownerLabel]: owner.ownerValue, [componentLabel]: "odgm" };
}

/** Labels of a function child: selector labels + common + component. */
export function functionLabels(owner: Owner, functionKey: string): Labels {
  return { ...owner.common, ...functionSelector(owner, functionKey), [componentLabel]: "function" };
}

export function objectMeta(
  owner: Owner,
  name: string,
  labels: Labels,
  annotations?: Record<string, string>,
): V1ObjectMeta {
  return {
    name,
    ...(owner.namespace === undefined ? {} : { namespace: owner.namespace }),
    labels,
    ...(annotations === undefined ? {} : { annotations }),
    ownerReferences: [{ ...owner.reference }],
  };
}

/** Pod annotations that let an annotation-driven Prometheus scrape the function. */
export function scrapeAnnotations(port: number): Record<string, string> {
  return {
    "prometheus.io/scrape": "true",
    "prometheus.io/port": String(port),
    "prometheus.io/path": "/metrics",
  };
}
