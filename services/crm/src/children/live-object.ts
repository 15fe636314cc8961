// A child object as the API server returns it: the shape the watcher and the reconciler
// both read (only what they read is typed).

/** A child as the API server returns it (only what the reconciler reads is typed). */
export interface LiveObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: {
      apiVersion?: string;
      kind?: string;
      name?: string;
      uid?: string;
      controller?: boolean;
    }[];
    managedFields?: { manager?: string; operation?: string; fieldsV1?: unknown }[];
    deletionTimestamp?: string;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}
