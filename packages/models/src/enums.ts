// The enum values of the model (SCREAMING, as existing clients send them): the JSON
// Schemas (schema.ts) list them and the types (types.ts) are their unions.

export const consistencyModels = ["NONE", "READ_YOUR_WRITE", "BOUNDED_STALENESS", "STRONG"] as const;

export const accessModifiers = ["PUBLIC", "INTERNAL", "PRIVATE"] as const;

export const functionTypes = ["BUILTIN", "CUSTOM", "MACRO", "LOGICAL"] as const;

/**
 * Lifecycle of a stored class deployment (see the PM's deployment flow). UNKNOWN: a
 * dispatch's outcome is not known (the connection broke after the unit was sent, or the
 * PM stopped mid-dispatch); the PM's resync asks the clusters and settles it.
 */
export const deploymentConditions = [
  "PENDING",
  "DEPLOYING",
  "RUNNING",
  "DOWN",
  "DELETED",
  "UNKNOWN",
] as const;
