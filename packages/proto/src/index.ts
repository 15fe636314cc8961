// Public surface of the wire contract. The oaas.* names (oaas.common, oaas.deployment,
// oaas.health, oaas.crm.v1) are unique across their files and are exported flat; the grpc.* files reuse names such as
// HealthCheckRequest (also in oaas.health) or clash between reflection versions, so
// each of them gets a namespace.
import type { GenFile } from "@bufbuild/protobuf/codegenv2";
import { file_grpc_health_v1_health } from "./gen/grpc/health/v1/health_pb.js";
import { file_grpc_reflection_v1_reflection } from "./gen/grpc/reflection/v1/reflection_pb.js";
import { file_grpc_reflection_v1alpha_reflection } from "./gen/grpc/reflection/v1alpha/reflection_pb.js";
import { file_oaas_common } from "./gen/oaas/common_pb.js";
import { file_oaas_crm_v1_paging } from "./gen/oaas/crm/v1/paging_pb.js";
import { file_oaas_crm_v1_record_detail } from "./gen/oaas/crm/v1/record_detail_pb.js";
import { file_oaas_deployment } from "./gen/oaas/deployment_pb.js";
import { file_oaas_health } from "./gen/oaas/health_pb.js";

export * from "./gen/oaas/common_pb.js";
export * from "./gen/oaas/deployment_pb.js";
export * from "./gen/oaas/health_pb.js";
export * from "./gen/oaas/crm/v1/record_detail_pb.js";
export * from "./gen/oaas/crm/v1/paging_pb.js";
export * as grpcHealthV1 from "./gen/grpc/health/v1/health_pb.js";
export * as reflectionV1 from "./gen/grpc/reflection/v1/reflection_pb.js";
export * as reflectionV1alpha from "./gen/grpc/reflection/v1alpha/reflection_pb.js";

/**
 * Every file of the contract, dependencies before dependents, for server reflection:
 * it answers file_by_filename / file_containing_symbol from these descriptors.
 */
export const fileDescriptors: readonly GenFile[] = [
  file_oaas_common,
  file_oaas_deployment,
  file_oaas_health,
  file_oaas_crm_v1_record_detail,
  file_oaas_crm_v1_paging,
  file_grpc_health_v1_health,
  file_grpc_reflection_v1_reflection,
  file_grpc_reflection_v1alpha_reflection,
];
