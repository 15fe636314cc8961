// The PM's domain model in the JSON shape existing clients send: snake_case fields,
// SCREAMING enum values. Every type is the Static<> of its schema in schema.ts (one
// source). Optional collections are always present after decoding (decode.ts fills the
// defaults), so code never tests them for undefined.
import type { Static } from "typebox";
import type { accessModifiers, consistencyModels, deploymentConditions, functionTypes } from "./enums.ts";
import type {
  classDeploymentSchema,
  classSchema,
  functionBindingSchema,
  functionDeploymentSpecSchema,
  functionSchema,
  keySpecificationSchema,
  nfrRequirementsSchema,
  odgmSpecSchema,
  packageMetadataSchema,
  packageSchema,
  provisionConfigSchema,
  stateSpecificationSchema,
} from "./schema.ts";

export { accessModifiers, consistencyModels, deploymentConditions, functionTypes } from "./enums.ts";

export type ConsistencyModel = (typeof consistencyModels)[number];
export type AccessModifier = (typeof accessModifiers)[number];
export type FunctionType = (typeof functionTypes)[number];
export type DeploymentCondition = (typeof deploymentConditions)[number];

export type KeySpecification = Static<typeof keySpecificationSchema>;
export type StateSpecification = Static<typeof stateSpecificationSchema>;
export type FunctionBinding = Static<typeof functionBindingSchema>;
export type OClass = Static<typeof classSchema>;
/** Per-function image and scaling bounds (the wire's oaas.common.ProvisionConfig). */
export type ProvisionConfig = Static<typeof provisionConfigSchema>;
export type OFunction = Static<typeof functionSchema>;
export type PackageMetadata = Static<typeof packageMetadataSchema>;
export type NfrRequirements = Static<typeof nfrRequirementsSchema>;
export type FunctionDeploymentSpec = Static<typeof functionDeploymentSpecSchema>;
export type OdgmSpec = Static<typeof odgmSpecSchema>;
export type OClassDeployment = Static<typeof classDeploymentSchema>;
export type OPackage = Static<typeof packageSchema>;

/** One problem with an input, at a field path such as `classes[0].function_bindings[1].function_key`. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** "field: message; field: message" — the text of a 400 answer. */
export function describeErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join("; ");
}
