// Option-builder fixtures for DeploymentUnits: unit("a", withFunction("f", withImage("x"))).
import { create } from "@bufbuild/protobuf";
import {
  DeploymentUnitSchema,
  FunctionDeploymentSpecSchema,
  OdgmConfigSchema,
  ProvisionConfigSchema,
  type DeploymentUnit,
  type FunctionDeploymentSpec,
} from "@oaas/proto";

export type UnitOption = (unit: DeploymentUnit) => void;
export type FunctionOption = (fn: FunctionDeploymentSpec) => void;

/** A valid unit: package "pkg", class "cls", env "dev", one function "fn" with image and port. */
export function unit(id: string, ...options: UnitOption[]): DeploymentUnit {
  const u = create(DeploymentUnitSchema, { id, packageName: "pkg", classKey: "cls", targetEnv: "dev" });
  u.functions.push(fn("fn"));
  for (const option of options) option(u);
  return u;
}

/** A valid function (image and port set), changed by the options. */
export function fn(key: string, ...options: FunctionOption[]): FunctionDeploymentSpec {
  const f = create(FunctionDeploymentSpecSchema, {
    functionKey: key,
    provisionConfig: create(ProvisionConfigSchema, { containerImage: "ghcr.io/oaas/fn:1", port: 8080 }),
  });
  for (const option of options) option(f);
  return f;
}

/** Replaces the default function with these. */
export const withFunctions =
  (...functions: FunctionDeploymentSpec[]): UnitOption =>
  (u) =>
    (u.functions = functions);
export const withPackage =
  (name: string): UnitOption =>
  (u) =>
    (u.packageName = name);
export const withClass =
  (key: string): UnitOption =>
  (u) =>
    (u.classKey = key);
export const withEnv =
  (env: string): UnitOption =>
  (u) =>
    (u.targetEnv = env);
export const withOdgm =
  (...collections: string[]): UnitOption =>
  (u) =>
    (u.odgmConfig = create(OdgmConfigSchema, { collections }));
/** Applies function options to every function of the unit. */
export const withEachFunction =
  (...options: FunctionOption[]): UnitOption =>
  (u) =>
    u.functions.forEach((f) => options.forEach((o) => o(f)));

export const withImage =
  (image: string | undefined): FunctionOption =>
  (f) => {
    f.provisionConfig ??= create(ProvisionConfigSchema);
    f.provisionConfig.containerImage = image;
  };
export const withPort =
  (port: number): FunctionOption =>
  (f) => {
    f.provisionConfig ??= create(ProvisionConfigSchema);
    f.provisionConfig.port = port;
  };
export const withScale =
  (min: number | undefined, max: number | undefined): FunctionOption =>
  (f) => {
    f.provisionConfig ??= create(ProvisionConfigSchema);
    f.provisionConfig.minScale = min;
    f.provisionConfig.maxScale = max;
  };
export const withCpuRequest =
  (q: string): FunctionOption =>
  (f) => {
    f.provisionConfig ??= create(ProvisionConfigSchema);
    f.provisionConfig.cpuRequest = q;
  };
export const withMemoryLimit =
  (q: string): FunctionOption =>
  (f) => {
    f.provisionConfig ??= create(ProvisionConfigSchema);
    f.provisionConfig.memoryLimit = q;
  };
export const withConfig =
  (config: Record<string, string>): FunctionOption =>
  (f) =>
    (f.config = { ...config });
export const withDescription =
  (text: string): FunctionOption =>
  (f) =>
    (f.description = text);
export const withoutProvisionConfig = (): FunctionOption => (f) => (f.provisionConfig = undefined);
