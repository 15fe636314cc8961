export * from "./record.ts";
export * from "./spec-schema.ts";
export * from "./status-schema.ts";
export * from "./names.ts";
export * from "./schema.ts";
export { toWire, type JsonSchemaProps, type ValidationRule } from "./json-schema.ts";
export * from "./manifest.ts";
export * from "./crd-yaml.ts";
export * from "./conditions.ts";
