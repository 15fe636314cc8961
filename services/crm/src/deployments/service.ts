// The deployment use cases behind DeploymentService: one function per RPC, each taking
// domain values and returning domain values. Guarantees: a Deploy that answers OK has
// the desired spec stored and renderable (admission.ts); nothing is written for a
// request that fails validation, admission or a precondition checked before the apply.
import { servedNamespacesVariable } from "@oaas/config";
import {
  finalizer,
  ownerLabel,
  recordName,
  singular,
  type DeploymentRecord,
  type DeploymentRecordSpec,
} from "@oaas/crd";
import { resolveTemplateName, type TemplateName } from "@oaas/templates";
import { DeploymentError, echo, invalidArgument } from "./errors.ts";
import type { RenderContext } from "@oaas/templates";
import { admissionContexts, admit } from "./admission.ts";
import {
  fieldSelector,
  filterAndPage,
  managedSelector,
  pageOf,
  validateListFilter,
  type ListFilter,
} from "./list.ts";
import { desiredRecord } from "./record.ts";
import type { RecordStore } from "./store.ts";
import { deploymentIdProblems, validateDeployment } from "./validate.ts";

export interface DeploymentFeatures {
  /** OPRC_CRM_FEATURES_ODGM */
  readonly odgm: boolean;
  /** OPRC_CRM_FEATURES_KNATIVE */
  readonly knative: boolean;
  /**
   * The namespaces a watcher of this CRM watches (servedNamespaces of @oaas/config): a Deploy
   * elsewhere is refused, a record found elsewhere is said to be unserved. Undefined: every
   * namespace (tests of the service alone).
   */
  readonly servedNamespaces?: readonly string[];
}

/** Per-request values: where to write, who asked, and until when. */
export interface RequestScope {
  readonly namespace: string;
  readonly correlationId: string;
  /** W3C traceparent of the RPC's span (tracing on), written into the record for the reconcile. */
  readonly traceparent?: string;
  /** Aborted at the client's deadline: every Kubernetes call is bounded by it. */
  readonly signal: AbortSignal;
  /** Who asked, `<principal> via <role>` (the auth gate's principal): into the record and its history. */
  readonly requestedBy?: string;
  /** The end user the caller says it acts for (x-oaas-on-behalf-of): recorded, never trusted. */
  readonly onBehalfOf?: string;
}

export interface DeployInput {
  /** The DeploymentUnit as a record spec; undefined when the request had none. */
  readonly unit: DeploymentRecordSpec | undefined;
  /** Template the caller selected (metadata x-template), any accepted spelling. */
  readonly template?: string;
}

/** "updated" also covers an identical redeploy (only the correlation annotation changes; generation stays). */
export type DeployResult = "created" | "updated";

/** A Deploy whose record is stored (what the record's history calls "accepted"). */
export interface AcceptedDeploy {
  readonly namespace: string;
  /** The record's name (recordName(deploymentId)). */
  readonly name: string;
  readonly deploymentId: string;
  readonly generation: number;
  readonly result: DeployResult;
  readonly correlationId: string;
  readonly requestedBy?: string;
  readonly onBehalfOf?: string;
}

/** A DeleteDeployment that marked its record for deletion (history "delete-requested"). */
export interface RequestedDelete {
  readonly namespace: string;
  readonly name: string;
  readonly deploymentId: string;
  readonly correlationId: string;
  readonly requestedBy?: string;
  readonly onBehalfOf?: string;
}

/** Told of what a write did, before it answers OK; each must not reject. */
export interface WriteHooks {
  readonly accepted?: (event: AcceptedDeploy) => Promise<void>;
  readonly deleteRequested?: (event: RequestedDelete) => Promise<void>;
}

export class DeploymentsService {
  private readonly contexts: readonly RenderContext[];

  /**
   * `contexts`: the render contexts Deploy admits a unit under (admissionContexts(config));
   * default: the dev profile with these features and the HPA off.
   */
  constructor(
    private readonly store: RecordStore,
    private readonly features: DeploymentFeatures,
    contexts?: readonly RenderContext[],
    /** Told of every Deploy that stored its record and every delete requested, before it answers OK. */
    private readonly hooks: WriteHooks = {},
  ) {
    this.contexts = contexts ?? admissionContexts({ profile: "dev", features: { ...features, hpa: false } });
  }

  /**
   * One server-side apply, no read before it (the CRD makes spec.deployment_id
   * immutable, so a name held by another id is refused by the API server: ALREADY_EXISTS).
   * A record being deleted is still written (its finalizer is already there, so the API
   * server allows it) and answered FAILED_PRECONDITION: the deletion proceeds.
   */
  async deploy(
    input: DeployInput,
    scope: RequestScope,
  ): Promise<{ deploymentId: string; result: DeployResult }> {
    const problems = validateDeployment(input.unit);
    if (problems.length > 0 || !input.unit) throw invalidArgument(problems);
    const spec = this.withDerivedFields(input.unit, input.template);
    const id = spec.deployment_id ?? "";
    const desired = desiredRecord(spec, scope);
    admit(desired, this.contexts);
    this.checkServed(scope.namespace);
    const { record, created } = await this.store.apply(desired, scope.signal);
    if (record.metadata.deletionTimestamp) {
      throw new DeploymentError(
        "failedPrecondition",
        `deployment ${echo(id)} is being deleted; deploy it again once GetDeploymentStatus answers NOT_FOUND`,
      );
    }
    const result: DeployResult = created ? "created" : "updated";
    await this.hooks.accepted?.({
      namespace: record.metadata.namespace ?? scope.namespace,
      name: record.metadata.name,
      deploymentId: id,
      generation: record.metadata.generation ?? 0,
      result,
      correlationId: scope.correlationId,
      ...who(scope),
    });
    return { deploymentId: id, result };
  }

  /** The stored record of a deployment id; NOT_FOUND when absent or owned by another id. */
  async find(deploymentId: string, scope: RequestScope): Promise<DeploymentRecord> {
    const problems = deploymentIdProblems(deploymentId, "deployment_id");
    if (problems.length > 0) throw invalidArgument(problems);
    const record = await this.store.get(scope.namespace, recordName(deploymentId), scope.signal);
    if (!record || record.spec.deployment_id !== deploymentId) {
      throw new DeploymentError(
        "notFound",
        `no deployment ${echo(deploymentId)} in namespace ${scope.namespace}`,
      );
    }
    return record;
  }

  /** One page (default and byte bound: list.ts pageOf); INVALID_ARGUMENT / RESOURCE_EXHAUSTED as documented there. */
  async list(filter: ListFilter, scope: RequestScope): Promise<DeploymentRecord[]> {
    const problems = validateListFilter(filter);
    if (problems.length > 0) throw invalidArgument(problems);
    const selectors = { labels: managedSelector, fields: fieldSelector(filter) };
    const records = await this.store.list(scope.namespace, selectors, scope.signal);
    return pageOf(filterAndPage(records, filter), filter);
  }
  /**
   * Marks the record for deletion and returns; the finalizer keeps it until the
   * reconciler has removed its children. Deleting twice is OK; an unknown id NOT_FOUND.
   */
  async delete(deploymentId: string, scope: RequestScope): Promise<"requested" | "alreadyDeleting"> {
    const record = await this.find(deploymentId, scope);
    this.checkServedRecord(record, "delete");
    if (record.metadata.deletionTimestamp) return "alreadyDeleting";
    const deleted = await this.store.delete(
      scope.namespace,
      record.metadata.name,
      record.metadata.uid,
      scope.signal,
    );
    if (!deleted) throw new DeploymentError("notFound", `deployment ${echo(deploymentId)} is already gone`);
    await this.hooks.deleteRequested?.({
      namespace: scope.namespace,
      name: record.metadata.name,
      deploymentId,
      correlationId: scope.correlationId,
      ...who(scope),
    });
    return "requested";
  }

  /**
   * The status read of GetDeploymentStatus: find(), then FAILED_PRECONDITION when no
   * watcher serves the record's namespace (its status would never change: say so).
   */
  async status(deploymentId: string, scope: RequestScope): Promise<DeploymentRecord> {
    const record = await this.find(deploymentId, scope);
    this.checkServedRecord(record, "status");
    return record;
  }

  private isServed(namespace: string): boolean {
    const served = this.features.servedNamespaces;
    return served === undefined || served.includes(namespace);
  }

  /** FAILED_PRECONDITION, storing nothing, when no watcher serves `namespace`. */
  private checkServed(namespace: string): void {
    if (this.isServed(namespace)) return;
    throw new DeploymentError(
      "failedPrecondition",
      `namespace ${namespace} is not served by this CRM: its watcher watches ${servedList(this.features)} ` +
        `(${servedNamespacesVariable}), so a record there would never be reconciled; ` +
        `deploy without ${namespaceMetadata} or with one of those, or run a CRM for ${namespace}`,
    );
  }

  /**
   * A record in a namespace no watcher serves (written before the ingress refused that, or
   * by hand) is never reconciled, and its finalizer is never removed: a delete would be
   * "requested" forever. Say why and what to do instead (FAILED_PRECONDITION, nothing done).
   */
  private checkServedRecord(record: DeploymentRecord, asked: "delete" | "status"): void {
    const namespace = record.metadata.namespace ?? "";
    if (this.isServed(namespace)) return;
    const name = record.metadata.name;
    const deleting = record.metadata.deletionTimestamp !== undefined;
    const state = deleting
      ? "is stuck in deletion"
      : asked === "delete"
        ? "cannot be deleted"
        : "has no status";
    throw new DeploymentError(
      "failedPrecondition",
      `record ${namespace}/${name} ${state}: no worker of this CRM serves namespace ${namespace} ` +
        `(its watcher watches ${servedList(this.features)}, ${servedNamespacesVariable}), so nothing ` +
        `reconciles it or removes its finalizer ${finalizer}. Run a CRM whose ${servedNamespacesVariable} lists ` +
        `${namespace}, or delete its children (label ${ownerLabel}=${name}) and remove the finalizer by hand: ` +
        `kubectl -n ${namespace} patch ${singular} ${name} --type=json ` +
        `-p '[{"op":"remove","path":"/metadata/finalizers"}]'` +
        (deleting ? "" : ` then kubectl -n ${namespace} delete ${singular} ${name}`),
    );
  }

  /** addons from odgm_config, the canonical selected template; checks both are allowed. */
  private withDerivedFields(unit: DeploymentRecordSpec, template: string | undefined): DeploymentRecordSpec {
    const spec: DeploymentRecordSpec = { ...unit };
    if (unit.odgm_config !== undefined) {
      if (!this.features.odgm) {
        throw new DeploymentError(
          "failedPrecondition",
          "deployment_unit.odgm_config requests the ODGM addon, but ODGM is disabled on this CRM (OPRC_CRM_FEATURES_ODGM)",
        );
      }
      spec.addons = ["odgm"];
    }
    if (template !== undefined && template !== "") spec.selected_template = this.checkTemplate(template);
    return spec;
  }

  private checkTemplate(template: string): TemplateName {
    const name = resolveTemplateName(template);
    if (!name)
      throw new DeploymentError(
        "failedPrecondition",
        `template "${template.slice(0, 60)}" is not known here`,
      );
    if (name === "knative" && !this.features.knative) {
      throw new DeploymentError("failedPrecondition", "template knative requires OPRC_CRM_FEATURES_KNATIVE");
    }
    return name;
  }
}

/** The metadata key that names a Deploy's namespace (ingress/metadata.ts namespaceHeader). */
const namespaceMetadata = "x-namespace";

/** The principal fields of a scope, only those present. */
function who(scope: RequestScope): Pick<RequestScope, "requestedBy" | "onBehalfOf"> {
  return {
    ...(scope.requestedBy !== undefined ? { requestedBy: scope.requestedBy } : {}),
    ...(scope.onBehalfOf !== undefined ? { onBehalfOf: scope.onBehalfOf } : {}),
  };
}

function servedList(features: DeploymentFeatures): string {
  return (features.servedNamespaces ?? []).join(", ");
}
