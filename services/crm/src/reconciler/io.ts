// Every call the reconciler makes to the API server, as one interface: the gather reads
// through it (snapshot.ts, finalize.ts; reconcile.ts the pods of a workload not available), the act step writes through it (act.ts), and
// kube-io.ts implements it on a KubeClient for one job (its signal and field manager).
// The decisions between the calls are pure (plan*.ts): nothing here decides.
import type { DeploymentRecord } from "@oaas/crd";
import type { JsonPatchOperation } from "@oaas/kube";
import type { RenderedObject } from "@oaas/templates";
import type { ChildKind } from "./children.ts";
import type { LiveObject } from "./compare.ts";
import type { ReconcilerStatus } from "./status.ts";

export interface ReconcilerIo {
  /** The record; undefined when it does not exist. */
  getRecord(namespace: string, name: string): Promise<DeploymentRecord | undefined>;
  /** Every object of `kinds` labelled as owned by `ownerValue`, keyed by childKey (apiVersion and kind filled in). */
  listChildren(
    namespace: string,
    ownerValue: string,
    kinds: readonly ChildKind[],
  ): Promise<Map<string, LiveObject>>;
  /**
   * The pods of `namespace` matching `labelSelector` (a workload's selector): read only
   * for a workload that is not available (observe.ts podReads).
   */
  listPods(namespace: string, labelSelector: string): Promise<LiveObject[]>;
  /** The live object holding a desired child's name, undefined when there is none. */
  readChild(object: RenderedObject): Promise<LiveObject | undefined>;

  /** Server-side apply of a child with our field manager, forced: the desired state wins over hand edits. */
  applyChild(object: RenderedObject): Promise<LiveObject>;
  /**
   * A JSON patch of a child (drift.ts says why not apply). A failed test op means the
   * child changed since it was read: ReconcileFailure "Conflict", retried, and the next
   * run sees the new state.
   */
  patchChild(live: LiveObject, operations: JsonPatchOperation[]): Promise<LiveObject>;
  /** Deletes a child in the incarnation read (uid precondition), background propagation. */
  deleteChild(live: LiveObject): Promise<void>;
  /**
   * Applies a replica field's current value (replicas.ts replicaHandover's body) with
   * replicaHandoverManager (not forced: a conflict means the new owner already has it,
   * which is just as good).
   */
  handOverReplicas(body: RenderedObject): Promise<void>;

  /** Adds the cleanup finalizer, guarded by a test op (a concurrent change fails the patch). */
  addFinalizer(record: DeploymentRecord): Promise<DeploymentRecord>;
  /** Drops the cleanup finalizer and keeps every other one; guarded like addFinalizer. */
  removeFinalizer(record: DeploymentRecord): Promise<DeploymentRecord>;
  /** Server-side apply of the status fields this worker owns, through /status, uid precondition. */
  applyStatus(record: DeploymentRecord, status: ReconcilerStatus): Promise<DeploymentRecord>;
}
