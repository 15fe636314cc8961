// models' wire-shaped UnitSpec -> the protobuf DeploymentUnit, and back for views.
import { create, type JsonObject, toJson } from "@bufbuild/protobuf";
import type { FunctionDeploymentSpec, ProvisionConfig, UnitSpec } from "@oaas/models";
import {
  DeploymentUnitSchema,
  FunctionDeploymentSpecSchema,
  NfrRequirementsSchema,
  OdgmConfigSchema,
  ProvisionConfigSchema,
  TimestampSchema,
  type DeploymentUnit,
} from "@oaas/proto";

function provision(pc: ProvisionConfig) {
  return create(ProvisionConfigSchema, {
    containerImage: pc.container_image,
    port: pc.port,
    maxConcurrency: pc.max_concurrency,
    needHttp2: pc.need_http2,
    cpuRequest: pc.cpu_request,
    memoryRequest: pc.memory_request,
    cpuLimit: pc.cpu_limit,
    memoryLimit: pc.memory_limit,
    minScale: pc.min_scale,
    maxScale: pc.max_scale,
  });
}

function functionSpec(fn: FunctionDeploymentSpec) {
  const nfr = fn.nfr_requirements;
  return create(FunctionDeploymentSpecSchema, {
    functionKey: fn.function_key,
    description: fn.description,
    availableLocation: fn.available_location,
    config: fn.config,
    ...(nfr
      ? {
          nfrRequirements: create(NfrRequirementsSchema, {
            maxLatencyMs: nfr.max_latency_ms,
            minThroughputRps: nfr.min_throughput_rps,
            availability: nfr.availability,
            cpuUtilizationTarget: nfr.cpu_utilization_target,
          }),
        }
      : {}),
    ...(fn.provision_config ? { provisionConfig: provision(fn.provision_config) } : {}),
  });
}

/** The protobuf unit the CRM's Deploy takes. */
export function toProtoUnit(unit: UnitSpec): DeploymentUnit {
  const odgm = unit.odgm_config;
  return create(DeploymentUnitSchema, {
    id: unit.id,
    packageName: unit.package_name,
    classKey: unit.class_key,
    targetEnv: unit.target_env,
    functions: unit.functions.map(functionSpec),
    createdAt: create(TimestampSchema, {
      seconds: BigInt(Math.floor(unit.created_at_ms / 1000)),
      nanos: (unit.created_at_ms % 1000) * 1_000_000,
    }),
    ...(odgm
      ? {
          odgmConfig: create(OdgmConfigSchema, {
            collections: odgm.collections,
            partitionCount: odgm.partition_count,
            replicaCount: odgm.replica_count,
            shardType: odgm.shard_type,
          }),
        }
      : {}),
  });
}

/** A unit as JSON for REST answers: proto field names (snake_case), as existing clients read them. */
export function unitJson(unit: DeploymentUnit): JsonObject {
  return toJson(DeploymentUnitSchema, unit, { useProtoFieldName: true }) as JsonObject;
}
