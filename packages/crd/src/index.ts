export * from "./record.ts";
export * from "./names.ts";
