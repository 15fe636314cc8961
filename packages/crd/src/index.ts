export * from "./record.ts";
export * from "./names.ts";
export * from "./schema.ts";
export * from "./manifest.ts";
export * from "./crd-yaml.ts";
export * from "./conditions.ts";
// The builders have generic names (string, object, ...): exported under one namespace.
export * as schemaBuilder from "./schema-builder.ts";
export type { Facets, JsonSchemaProps, Props, RequiredSchema, Schema } from "./schema-builder.ts";
