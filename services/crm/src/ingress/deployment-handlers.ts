// oaas.deployment.DeploymentService: translate protobuf <-> domain, call one service
// function, translate back. Domain errors propagate to the interceptor, which maps them.
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  DeleteDeploymentResponseSchema,
  DeployResponseSchema,
  DeploymentService,
  GetClassRuntimeResponseSchema,
  GetDeploymentStatusResponseSchema,
  ListClassRuntimesResponseSchema,
  ResourceReferenceSchema,
  StatusCode,
} from "@oaas/proto";
import type { DeploymentRecord } from "@oaas/crd";
import type { DeploymentsService } from "../deployments/service.ts";
import { statusMessage } from "../deployments/summary.ts";
import { specToUnit, unitToSpec } from "./convert.ts";
import { templateHeader } from "./metadata.ts";
import { requestScope } from "./scope.ts";

export function deploymentHandlers(
  service: DeploymentsService,
  defaultNamespace: string,
): ServiceImpl<typeof DeploymentService> {
  const scopeOf = (context: HandlerContext) => requestScope(context, defaultNamespace);
  return {
    async deploy(req, context) {
      const scope = scopeOf(context);
      const template = context.requestHeader.get(templateHeader) ?? undefined;
      const unit = req.deploymentUnit ? unitToSpec(req.deploymentUnit) : undefined;
      const { deploymentId, result } = await service.deploy(
        { unit, ...(template ? { template } : {}) },
        scope,
      );
      return create(DeployResponseSchema, { status: StatusCode.OK, deploymentId, message: result });
    },
    async getDeploymentStatus(req, context) {
      const record = await service.status(req.deploymentId, scopeOf(context));
      return create(GetDeploymentStatusResponseSchema, {
        status: StatusCode.OK,
        deployment: specToUnit(record.spec),
        message: statusMessage(record),
        statusResourceRefs: resourceRefs(record),
      });
    },
    async deleteDeployment(req, context) {
      const outcome = await service.delete(req.deploymentId, scopeOf(context));
      const message =
        outcome === "requested"
          ? "deletion requested: children are removed first, then the record"
          : "deletion already in progress";
      return create(DeleteDeploymentResponseSchema, { status: StatusCode.OK, message });
    },
    async listClassRuntimes(req, context) {
      const records = await service.list(
        {
          ...(req.packageName !== undefined ? { packageName: req.packageName } : {}),
          ...(req.classKey !== undefined ? { classKey: req.classKey } : {}),
          ...(req.targetEnv !== undefined ? { targetEnv: req.targetEnv } : {}),
          ...(req.status !== undefined ? { status: req.status } : {}),
          ...(req.limit !== undefined ? { limit: req.limit } : {}),
          ...(req.offset !== undefined ? { offset: req.offset } : {}),
        },
        scopeOf(context),
      );
      return create(ListClassRuntimesResponseSchema, { items: records.map((r) => specToUnit(r.spec)) });
    },
    async getClassRuntime(req, context) {
      const record = await service.find(req.deploymentId, scopeOf(context));
      return create(GetClassRuntimeResponseSchema, { deployment: specToUnit(record.spec) });
    },
  };
}

function resourceRefs(record: DeploymentRecord) {
  return (record.status?.resource_refs ?? []).map((ref) =>
    create(ResourceReferenceSchema, {
      kind: ref.kind,
      name: ref.name,
      ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}),
      ...(ref.uid !== undefined ? { uid: ref.uid } : {}),
    }),
  );
}
