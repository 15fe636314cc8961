// The deployment use cases behind DeploymentService: one function per RPC, each taking
// domain values and returning domain values. Guarantees: a Deploy that answers OK has
// the desired spec stored; an identical redeploy makes no write; nothing is written
// for a request that fails validation or a precondition.
import { recordName, type DeploymentRecord, type DeploymentRecordSpec } from "@oaas/crd";
import { resolveTemplateName, type TemplateName } from "@oaas/templates";
import { DeploymentError, invalidArgument } from "./errors.ts";
import {
  fieldSelector,
  filterAndPage,
  managedSelector,
  validateListFilter,
  type ListFilter,
} from "./list.ts";
import { desiredRecord, isUpToDate } from "./record.ts";
import type { RecordStore } from "./store.ts";
import { validateDeployment } from "./validate.ts";

export interface DeploymentFeatures {
  /** OPRC_CRM_FEATURES_ODGM */
  readonly odgm: boolean;
  /** OPRC_CRM_FEATURES_KNATIVE */
  readonly knative: boolean;
}

/** Per-request values: where to write, who asked, and until when. */
export interface RequestScope {
  readonly namespace: string;
  readonly correlationId: string;
  /** Aborted at the client's deadline: every Kubernetes call is bounded by it. */
  readonly signal: AbortSignal;
}

export interface DeployInput {
  /** The DeploymentUnit as a record spec; undefined when the request had none. */
  readonly unit: DeploymentRecordSpec | undefined;
  /** Template the caller selected (metadata x-template), any accepted spelling. */
  readonly template?: string;
}

export type DeployResult = "created" | "updated" | "unchanged";

/** How often Deploy re-reads after losing a race for the same record. */
const maxApplyAttempts = 3;

export class DeploymentsService {
  constructor(
    private readonly store: RecordStore,
    private readonly features: DeploymentFeatures,
  ) {}

  async deploy(
    input: DeployInput,
    scope: RequestScope,
  ): Promise<{ deploymentId: string; result: DeployResult }> {
    const problems = validateDeployment(input.unit);
    if (problems.length > 0 || !input.unit) throw invalidArgument(problems);
    const spec = this.withDerivedFields(input.unit, input.template);
    const id = spec.deployment_id ?? "";
    const desired = desiredRecord(spec, scope);
    for (let attempt = 0; attempt < maxApplyAttempts; attempt++) {
      const existing = await this.store.get(scope.namespace, desired.metadata.name, scope.signal);
      if (existing) {
        checkTakeover(existing, id);
        if (isUpToDate(existing, desired)) return { deploymentId: id, result: "unchanged" };
      }
      const guarded = existing ? withResourceVersion(desired, existing) : desired;
      const applied = await this.store.apply(guarded, scope.signal);
      if (applied !== "conflict") return { deploymentId: id, result: existing ? "updated" : "created" };
    }
    throw new DeploymentError(
      "unavailable",
      `record ${desired.metadata.name} kept changing during the deploy; retry`,
    );
  }

  /** The stored record of a deployment id; NOT_FOUND when absent or owned by another id. */
  async find(deploymentId: string, scope: RequestScope): Promise<DeploymentRecord> {
    if (!deploymentId) throw invalidArgument([{ field: "deployment_id", message: "must not be empty" }]);
    const record = await this.store.get(scope.namespace, recordName(deploymentId), scope.signal);
    if (!record || record.spec.deployment_id !== deploymentId) {
      throw new DeploymentError(
        "notFound",
        `no deployment "${deploymentId}" in namespace ${scope.namespace}`,
      );
    }
    return record;
  }

  async list(filter: ListFilter, scope: RequestScope): Promise<DeploymentRecord[]> {
    const problems = validateListFilter(filter);
    if (problems.length > 0) throw invalidArgument(problems);
    const selectors = { labels: managedSelector, fields: fieldSelector(filter) };
    const records = await this.store.list(scope.namespace, selectors, scope.signal);
    return filterAndPage(records, filter);
  }

  /**
   * Marks the record for deletion and returns; the finalizer keeps it until the
   * reconciler has removed its children. Deleting twice is OK; an unknown id NOT_FOUND.
   */
  async delete(deploymentId: string, scope: RequestScope): Promise<"requested" | "alreadyDeleting"> {
    const record = await this.find(deploymentId, scope);
    if (record.metadata.deletionTimestamp) return "alreadyDeleting";
    const deleted = await this.store.delete(
      scope.namespace,
      record.metadata.name,
      record.metadata.uid,
      scope.signal,
    );
    if (!deleted) throw new DeploymentError("notFound", `deployment "${deploymentId}" is already gone`);
    return "requested";
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

/** A record of another deployment id (or hand-written) under the derived name: ALREADY_EXISTS. */
function checkTakeover(existing: DeploymentRecord, id: string): void {
  const owner = existing.spec.deployment_id;
  if (owner !== id) {
    throw new DeploymentError(
      "alreadyExists",
      `record ${existing.metadata.name} already belongs to ${owner === undefined ? "a record not written by Deploy" : `deployment "${owner}"`}`,
    );
  }
  if (existing.metadata.deletionTimestamp) {
    throw new DeploymentError(
      "failedPrecondition",
      `deployment "${id}" is being deleted; deploy it again once GetDeploymentStatus answers NOT_FOUND`,
    );
  }
}

/** Makes the apply conditional on the version that was compared. */
function withResourceVersion(desired: DeploymentRecord, existing: DeploymentRecord): DeploymentRecord {
  const resourceVersion = existing.metadata.resourceVersion;
  return resourceVersion ? { ...desired, metadata: { ...desired.metadata, resourceVersion } } : desired;
}
