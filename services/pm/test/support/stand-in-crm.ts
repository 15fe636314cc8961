// A stand-in CRM for the PM's unit tests: the CRM's own one-port listener (@oaas/crm
// listen: gRPC over HTTP/2 and plain HTTP/1.1 on one port) serving DeploymentService,
// CrmInfoService and oaas.crm.v1.RecordDetailService from functions the test gives, so a
// test decides what each answers (a real CRM needs a cluster: the integration suites use real ones).
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { listen } from "@oaas/crm";
import {
  CrmEnvHealthSchema,
  CrmInfoService,
  DeleteDeploymentResponseSchema,
  DeploymentService,
  DeployResponseSchema,
  GetClassRuntimeResponseSchema,
  GetDeploymentStatusResponseSchema,
  GetHistoryResponseSchema,
  GetStatusDetailResponseSchema,
  RecordDetailService,
  ListClassRuntimesResponseSchema,
  PageTooLargeSchema,
  type DeploymentUnit,
} from "@oaas/proto";

type StatusInit = MessageInitShape<typeof GetDeploymentStatusResponseSchema>;
export type StatusDetailInit = MessageInitShape<typeof GetStatusDetailResponseSchema>;
export type HistoryInit = MessageInitShape<typeof GetHistoryResponseSchema>;

export interface StandInCrmOptions {
  /** GetDeploymentStatus of `id` (throw a ConnectError for a failure). */
  readonly status: (id: string, context: HandlerContext) => Promise<StatusInit> | StatusInit;
  /**
   * RecordDetailService.GetStatusDetail of `id` (throw a ConnectError for a failure; never
   * settle for a CRM that hangs). Without it and `history` the stand-in is a CRM older than
   * RecordDetailService: UNIMPLEMENTED.
   */
  readonly detail?: (id: string, context: HandlerContext) => Promise<StatusDetailInit> | StatusDetailInit;
  /** RecordDetailService.GetHistory (throw a ConnectError for a failure). */
  readonly history?: (
    request: { readonly deploymentId: string; readonly limit?: number },
    context: HandlerContext,
  ) => Promise<HistoryInit> | HistoryInit;
  /** Deploy (throw a ConnectError for a failure); without it Deploy is UNIMPLEMENTED. */
  readonly deploy?: (unit: DeploymentUnit, context: HandlerContext) => Promise<void> | void;
  /** DeleteDeployment (throw a ConnectError for a failure). */
  readonly delete?: (id: string) => Promise<void> | void;
  /** ListClassRuntimes: the units it holds (filters are not applied, limit/offset are); without it UNIMPLEMENTED. */
  readonly list?: () => DeploymentUnit[];
  /**
   * A page of more units than this is refused RESOURCE_EXHAUSTED as the CRM refuses one
   * over its message limit (the oaas.crm.v1.PageTooLarge detail naming maxPage, and
   * "ask with limit <= N" in the message); each ListClassRuntimes request is noted in
   * `listRequests`.
   */
  readonly maxPage?: number;
  /** False: refuse as a CRM older than the PageTooLarge detail (the message alone). Default true. */
  readonly pageHint?: boolean;
  /**
   * CrmInfoService.GetEnvHealth answers with these figures when given (the PM sizes
   * replicas from them before a Deploy); status default HEALTHY, message default none.
   */
  readonly health?: {
    readonly availability: number;
    readonly nodes: number;
    readonly status?: string;
    readonly message?: string;
  };
}

/** One RecordDetailService call as the stand-in saw it. */
export interface DetailCall {
  readonly method: "GetStatusDetail" | "GetHistory";
  readonly deploymentId: string;
  /** Request headers the PM sends on every call. */
  readonly correlationId: string | null;
  readonly namespace: string | null;
  readonly authorization: string | null;
  /** True once the call's signal aborted before the handler returned (the PM cancelled it or its deadline passed). */
  cancelled: boolean;
}

export interface StandInCrm {
  readonly url: string;
  /** Each RecordDetailService call, in arrival order. */
  readonly detailRequests: DetailCall[];
  /** Each ListClassRuntimes request's offset and limit (0: none), in arrival order. */
  readonly listRequests: { readonly offset: number; readonly limit: number }[];
  close(): Promise<void>;
}

export async function startStandInCrm(options: StandInCrmOptions): Promise<StandInCrm> {
  const detailRequests: DetailCall[] = [];
  const listRequests: StandInCrm["listRequests"][number][] = [];
  /** Runs a RecordDetailService handler, noting the call and whether it was cancelled before it returned. */
  const observed = async <T>(
    method: DetailCall["method"],
    deploymentId: string,
    context: HandlerContext,
    run: () => Promise<T>,
  ): Promise<T> => {
    const call: DetailCall = {
      method,
      deploymentId,
      correlationId: context.requestHeader.get("x-correlation-id"),
      namespace: context.requestHeader.get("x-namespace"),
      authorization: context.requestHeader.get("authorization"),
      cancelled: false,
    };
    detailRequests.push(call);
    // Connect aborts the signal when any call ends too: only an abort before the answer counts.
    const onAbort = () => (call.cancelled = true);
    context.signal.addEventListener("abort", onAbort, { once: true });
    try {
      return await run();
    } finally {
      context.signal.removeEventListener("abort", onAbort);
    }
  };
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
              // Paged as the CRM pages (limit/offset; 100 when no limit is named).
              listClassRuntimes: (req) => {
                listRequests.push({ offset: req.offset ?? 0, limit: req.limit ?? 0 });
                const start = req.offset ?? 0;
                const size = req.limit || 100;
                if (options.maxPage !== undefined && size > options.maxPage) {
                  const hint = { maxLimit: options.maxPage, offset: start, maxBytes: 4128768n };
                  throw new ConnectError(
                    `this page would exceed 4128768 bytes; ask with limit <= ${options.maxPage} and page with offset (now ${start})`,
                    Code.ResourceExhausted,
                    undefined,
                    options.pageHint === false ? undefined : [{ desc: PageTooLargeSchema, value: hint }],
                  );
                }
                const items = (options.list?.() ?? []).slice(start, start + size);
                return create(ListClassRuntimesResponseSchema, { items });
              },
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
      const { detail, history } = options;
      if (detail || history) {
        router.service(RecordDetailService, {
          ...(detail
            ? {
                getStatusDetail: (req, context) =>
                  observed("GetStatusDetail", req.deploymentId, context, async () =>
                    create(GetStatusDetailResponseSchema, await detail(req.deploymentId, context)),
                  ),
              }
            : {}),
          ...(history
            ? {
                getHistory: (req, context) =>
                  observed("GetHistory", req.deploymentId, context, async () => {
                    const request = {
                      deploymentId: req.deploymentId,
                      ...(req.limit !== undefined ? { limit: req.limit } : {}),
                    };
                    return create(GetHistoryResponseSchema, await history(request, context));
                  }),
              }
            : {}),
        });
      }
      const health = options.health;
      if (health) {
        router.service(CrmInfoService, {
          getEnvHealth: (req) =>
            create(CrmEnvHealthSchema, {
              envName: req.env,
              status: health.status ?? "HEALTHY",
              ...(health.message !== undefined ? { message: health.message } : {}),
              availability: health.availability,
              nodeCount: health.nodes,
              readyNodes: health.nodes,
            }),
        });
      }
    },
  });
  const listener = await listen(handler, { port: 0, host: "127.0.0.1" });
  return {
    url: `http://127.0.0.1:${listener.port}`,
    detailRequests,
    listRequests,
    close: () => listener.close(200),
  };
}
