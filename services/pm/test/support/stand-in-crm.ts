// A stand-in CRM for the PM's unit tests: the CRM's own one-port listener (@oaas/crm
// listen: gRPC over HTTP/2 and plain HTTP/1.1 on one port) serving GetDeploymentStatus
// and GET /api/v1/records/{id}/status from functions the test gives, so a test decides
// what each answers (a real CRM needs a cluster: the integration suites use real ones).
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { listen } from "@oaas/crm";
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  CrmEnvHealthSchema,
  CrmInfoService,
  DeleteDeploymentResponseSchema,
  DeploymentService,
  DeployResponseSchema,
  GetClassRuntimeResponseSchema,
  GetDeploymentStatusResponseSchema,
  ListClassRuntimesResponseSchema,
  type DeploymentUnit,
} from "@oaas/proto";

type StatusInit = MessageInitShape<typeof GetDeploymentStatusResponseSchema>;

/** What the status route does for one id: an answer, or nothing at all (a hung CRM). */
export type DetailAnswer = { readonly status: number; readonly body: string } | "hang";

export interface StandInCrmOptions {
  /** GetDeploymentStatus of `id` (throw a ConnectError for a failure). */
  readonly status: (id: string, context: HandlerContext) => Promise<StatusInit> | StatusInit;
  /** GET /api/v1/records/{id}/status; undefined: the plain "not found" of a CRM without the route. */
  readonly detail: (id: string) => Promise<DetailAnswer | undefined>;
  /** Deploy (throw a ConnectError for a failure); without it Deploy is UNIMPLEMENTED. */
  readonly deploy?: (unit: DeploymentUnit, context: HandlerContext) => Promise<void> | void;
  /** DeleteDeployment (throw a ConnectError for a failure). */
  readonly delete?: (id: string) => Promise<void> | void;
  /** ListClassRuntimes: the units it holds (filters are not applied); without it UNIMPLEMENTED. */
  readonly list?: () => DeploymentUnit[];
  /**
   * CrmInfoService.GetEnvHealth answers HEALTHY with these figures when given (the PM
   * sizes replicas from them before a Deploy).
   */
  readonly health?: { readonly availability: number; readonly nodes: number };
}

export interface StandInCrm {
  readonly url: string;
  /** Each status-route request: its path, correlation id, and whether the client went away before an answer. */
  readonly detailRequests: { path: string; correlationId: string; cancelled: boolean }[];
  close(): Promise<void>;
}

export async function startStandInCrm(options: StandInCrmOptions): Promise<StandInCrm> {
  const detailRequests: StandInCrm["detailRequests"] = [];
  const handler = connectNodeAdapter({
    grpc: true,
    routes: (router) => {
      router.service(DeploymentService, {
        getDeploymentStatus: async (req, context) =>
          create(GetDeploymentStatusResponseSchema, await options.status(req.deploymentId, context)),
        ...(options.deploy
          ? {
              deploy: async (req, context) => {
                if (!req.deploymentUnit) throw new Error("no unit");
                await options.deploy?.(req.deploymentUnit, context);
                return create(DeployResponseSchema, { deploymentId: req.deploymentUnit.id });
              },
            }
          : {}),
        ...(options.list
          ? {
              listClassRuntimes: () =>
                create(ListClassRuntimesResponseSchema, { items: options.list?.() ?? [] }),
              getClassRuntime: (req) => {
                const unit = options.list?.().find((u) => u.id === req.deploymentId);
                if (!unit) throw new ConnectError(`no deployment "${req.deploymentId}"`, Code.NotFound);
                return create(GetClassRuntimeResponseSchema, { deployment: unit });
              },
            }
          : {}),
        ...(options.delete
          ? {
              deleteDeployment: async (req) => {
                await options.delete?.(req.deploymentId);
                return create(DeleteDeploymentResponseSchema, {});
              },
            }
          : {}),
      });
      const health = options.health;
      if (health) {
        router.service(CrmInfoService, {
          getEnvHealth: (req) =>
            create(CrmEnvHealthSchema, {
              envName: req.env,
              status: "HEALTHY",
              availability: health.availability,
              nodeCount: health.nodes,
              readyNodes: health.nodes,
            }),
        });
      }
    },
    fallback: (req, res) => {
      const match = /^\/api\/v1\/records\/([^/?]+)\/status(\?|$)/.exec(req.url ?? "");
      const seen = {
        path: req.url ?? "",
        correlationId: String(req.headers["x-correlation-id"]),
        cancelled: false,
      };
      if (match?.[1]) detailRequests.push(seen);
      res.once("close", () => (seen.cancelled = !res.writableEnded));
      void (match?.[1] ? options.detail(decodeURIComponent(match[1])) : Promise.resolve(undefined)).then(
        (answer) => {
          if (answer === "hang") return;
          const { status, type, body } =
            answer === undefined
              ? { status: 404, type: "text/plain", body: "not found\n" }
              : { status: answer.status, type: "application/json", body: answer.body };
          res.writeHead(status, { "content-type": type });
          res.end(body);
        },
      );
    },
  });
  const listener = await listen(handler, { port: 0, host: "127.0.0.1" });
  return {
    url: `http://127.0.0.1:${listener.port}`,
    detailRequests,
    close: () => listener.close(200),
  };
}
