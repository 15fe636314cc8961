// The CRD's spec and status schemas on the wire, made from their TypeBox sources
// (spec-schema.ts, status-schema.ts) by toWire: what manifest.ts puts in the CRD.
import { toWire, type JsonSchemaProps } from "./json-schema.ts";
import { DeploymentRecordSpec } from "./spec-schema.ts";
import { DeploymentRecordStatus } from "./status-schema.ts";

/** `spec` of the CRD's openAPIV3Schema. */
export const specSchema: JsonSchemaProps = toWire(DeploymentRecordSpec);
/** `status` of the CRD's openAPIV3Schema. */
export const statusSchema: JsonSchemaProps = toWire(DeploymentRecordStatus);
