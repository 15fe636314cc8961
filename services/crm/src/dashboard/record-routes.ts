// The record pages' routes: the list of records that are not Available and one page per
// record. Reads the records from the API server (one list per served namespace the caller
// may see: namespaced rights suffice) and the history from the queue's store; when the
// history cannot be read the page still shows the record, with a notice.
import { group, plural, version, type DeploymentRecord } from "@oaas/crd";
import { isDns1123Label, isDns1123Subdomain } from "@oaas/kube-rules";
import { getObject, isKubeError, listObjects, type KubeClient, type ResourceType } from "@oaas/kube";
import type { Logger } from "@oaas/telemetry";
import { withContext } from "@oaas/telemetry";
import type { FastifyInstance, FastifyReply } from "fastify";
import { principalOf, visibleNamespaces } from "./access.ts";
import type { SafeHtml } from "./html.ts";
import { newestFirst, type HistoryReader } from "./history.ts";
import { pageCsp } from "./layout.ts";
import type { NfrPanelInput } from "./nfr-panel.ts";
import { recordPage } from "./record-page.ts";
import type { RecordExplanation } from "@oaas/nfr";
import { messagePage, recordsPage } from "./records-page.ts";

const deploymentRecords: ResourceType = { group, version, plural, namespaced: true };

export interface RecordRoutesDeps {
  readonly basePath: string;
  readonly kube: KubeClient;
  readonly history: HistoryReader;
  /** The served namespaces; the list shows those the caller may see (access.ts visibleNamespaces). */
  readonly namespaces: readonly string[];
  readonly queueNames: readonly string[];
  readonly logger: Logger;
  readonly timeoutMs: number;
  readonly historyLimit: number;
  /** Explains a record's NFR state (services/crm/src/enforcer/explain.ts); absent: no NFR section. */
  readonly explainNfr?: (record: DeploymentRecord, signal: AbortSignal) => Promise<RecordExplanation>;
}

/** Sets the status and headers of an HTML page and returns its text for the handler to return. */
function sendPage(reply: FastifyReply, status: number, page: SafeHtml): string {
  reply
    .code(status)
    .header("content-security-policy", pageCsp)
    .header("cache-control", "no-store")
    .type("text/html; charset=utf-8");
  return page.text;
}

function kubeProblem(error: unknown): string {
  return isKubeError(error) ? error.message : error instanceof Error ? error.message : String(error);
}

export function recordRoutes(app: FastifyInstance, deps: RecordRoutesDeps): void {
  const { basePath, logger } = deps;

  app.get<{ Querystring: { all?: string } }>(`${basePath}records`, async (request, reply) => {
    const all = request.query.all === "true" || request.query.all === "1";
    // The guard (access.ts) admitted the caller and refused one that sees no served namespace.
    const principal = principalOf(request);
    const namespaces = principal === undefined ? [] : visibleNamespaces(principal, deps.namespaces);
    try {
      const lists = await Promise.all(
        namespaces.map((namespace) =>
          listObjects<DeploymentRecord>(deps.kube, deploymentRecords, namespace, {
            timeoutMs: deps.timeoutMs,
          }),
        ),
      );
      return sendPage(
        reply,
        200,
        recordsPage({ basePath, namespaces, records: lists.flat(), all, now: new Date() }),
      );
    } catch (error) {
      logger.warn("dashboard: listing records failed", {
        namespaces,
        error: kubeProblem(error),
      });
      return sendPage(
        reply,
        502,
        messagePage(basePath, "Records unavailable", `Kubernetes API: ${kubeProblem(error)}`),
      );
    }
  });

  app.get<{ Params: { namespace: string; name: string } }>(
    `${basePath}records/:namespace/:name`,
    async (request, reply) => {
      const { namespace, name } = request.params;
      if (!isDns1123Label(namespace) || !isDns1123Subdomain(name))
        return sendPage(
          reply,
          404,
          messagePage(basePath, "No such record", "Not a valid namespace and record name."),
        );
      let record: DeploymentRecord | undefined;
      try {
        record = await getObject<DeploymentRecord>(deps.kube, deploymentRecords, namespace, name, {
          timeoutMs: deps.timeoutMs,
        });
      } catch (error) {
        logger.warn("dashboard: reading a record failed", { namespace, name, error: kubeProblem(error) });
        return sendPage(
          reply,
          502,
          messagePage(basePath, "Record unavailable", `Kubernetes API: ${kubeProblem(error)}`),
        );
      }
      const log = withContext(logger, { deploymentId: record?.spec.deployment_id, namespace, name });
      let history: readonly ReturnType<typeof newestFirst>[number][] | { error: string };
      try {
        history = newestFirst(await deps.history.read(namespace, name, { limit: deps.historyLimit }));
      } catch (error) {
        log.warn("dashboard: reading record history failed", { error: kubeProblem(error) });
        history = { error: kubeProblem(error) };
      }
      let nfr: NfrPanelInput;
      if (record && deps.explainNfr) {
        try {
          nfr = await deps.explainNfr(record, AbortSignal.timeout(deps.timeoutMs));
        } catch (error) {
          log.warn("dashboard: explaining NFR failed", { error: kubeProblem(error) });
          nfr = { error: kubeProblem(error) };
        }
      }
      return sendPage(
        reply,
        record ? 200 : 404,
        recordPage({
          nfr,
          basePath,
          namespace,
          name,
          record,
          history,
          queueNames: deps.queueNames,
          now: new Date(),
        }),
      );
    },
  );
}
