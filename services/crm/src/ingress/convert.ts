// DeploymentUnit (protobuf) <-> DeploymentRecord spec (JSON in etcd). The spec is the
// unit in the protobuf JSON mapping with proto field names, so 64-bit integers become
// decimal strings and nothing is rounded; `id` is stored as `deployment_id`. Implicit
// fields are written with their defaults (function_key "", nanos 0, ...): the CRD
// requires some of them, and reading them back gives the same unit either way.
// Pure; a round-trip property test pins "what the PM sent comes back identically".
import { create, fromJson, toJson, type JsonObject } from "@bufbuild/protobuf";
import type { DeploymentRecordSpec } from "@oaas/crd";
import { DeploymentUnitSchema, type DeploymentUnit } from "@oaas/proto";

/** The spec fields that come from the unit (the rest are derived or hand-written). */
const unitFields = [
  "package_name",
  "class_key",
  "functions",
  "target_env",
  "created_at",
  "odgm_config",
] as const;

export function unitToSpec(unit: DeploymentUnit): DeploymentRecordSpec {
  const json = toJson(DeploymentUnitSchema, unit, {
    useProtoFieldName: true,
    alwaysEmitImplicit: true,
  }) as JsonObject;
  const { id, ...rest } = json;
  return { deployment_id: typeof id === "string" ? id : "", ...(rest as DeploymentRecordSpec) };
}

/**
 * The unit stored in a record. Fields that are not part of a DeploymentUnit (addons,
 * selected_template, the hand-written `function` shorthand, nfr) are left out; a spec
 * that does not parse as a unit (hand-edited into a wrong shape) yields only its id.
 */
export function specToUnit(spec: DeploymentRecordSpec): DeploymentUnit {
  const json: JsonObject = { id: spec.deployment_id ?? "" };
  for (const field of unitFields) {
    const value = spec[field];
    if (value !== undefined) json[field] = value;
  }
  try {
    return fromJson(DeploymentUnitSchema, json, { ignoreUnknownFields: true });
  } catch {
    return create(DeploymentUnitSchema, { id: spec.deployment_id ?? "" });
  }
}
