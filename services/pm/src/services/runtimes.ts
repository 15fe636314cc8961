// Class runtimes (alias deployment-records): the units the CRMs hold, read through.
// A list fans out to every cluster (or the one named), pages through each CRM's list
// (crm/list-pages.ts) and says which clusters did not answer instead of failing the
// whole answer.
import type { FieldError } from "@oaas/models";
import { SummarizedStatus } from "@oaas/proto";
import { unitJson } from "../crm/convert.ts";
import { CrmError } from "../crm/errors.ts";
import { listEveryPage } from "../crm/list-pages.ts";
import type { CallContext, CrmManager } from "../crm/manager.ts";
import { NotFoundError, UnavailableError, ValidationError } from "./errors.ts";

export type RuntimeItem = Record<string, unknown> & { cluster: string };

export interface RuntimeFilter {
  readonly package_name?: string;
  readonly class_key?: string;
  readonly environment?: string;
  readonly cluster?: string;
  readonly status?: string;
  readonly limit?: number;
  readonly offset?: number;
}

export interface RuntimeList {
  readonly items: RuntimeItem[];
  /** True when some cluster did not answer; `failed_clusters` names them. */
  readonly partial: boolean;
  readonly failed_clusters: { cluster: string; error: string }[];
}

/** The names of the wire's SummarizedStatus: what the CRMs filter by (any case). */
export const runtimeStatuses: readonly string[] = Object.values(SummarizedStatus).filter(
  (v): v is string => typeof v === "string",
);

/**
 * Problems with a list filter the PM can see before asking: an unknown status would be
 * INVALID_ARGUMENT from every CRM, which the fan-out reports as "no CRM answered" (503).
 */
function filterProblems(filter: RuntimeFilter): FieldError[] {
  const status = filter.status;
  if (status === undefined || runtimeStatuses.includes(status.trim().toUpperCase())) return [];
  return [
    { field: "status", message: `"${status.slice(0, 40)}" is not one of ${runtimeStatuses.join(", ")}` },
  ];
}

export class RuntimeService {
  constructor(private readonly crm: CrmManager) {}

  private targets(cluster: string | undefined): string[] {
    if (cluster === undefined) return this.crm.names();
    if (!this.crm.has(cluster))
      throw new ValidationError([{ field: "cluster", message: `unknown cluster "${cluster}"` }]);
    return [cluster];
  }

  /** Every cluster's runtimes matching the filter, ordered by cluster then id, paged after merging. */
  async list(filter: RuntimeFilter, ctx: CallContext): Promise<RuntimeList> {
    const problems = filterProblems(filter);
    if (problems.length) throw new ValidationError(problems, "invalid query");
    const clusters = this.targets(filter.cluster);
    const wanted = filter.limit === undefined ? undefined : (filter.offset ?? 0) + filter.limit;
    const answers = await Promise.all(
      clusters.map(async (cluster) => {
        try {
          // Every page of it (the CRM bounds its answers): the merge below needs them all,
          // or at least the first offset + limit.
          const units = await listEveryPage(
            this.crm,
            cluster,
            {
              ...(filter.package_name !== undefined ? { packageName: filter.package_name } : {}),
              ...(filter.class_key !== undefined ? { classKey: filter.class_key } : {}),
              ...(filter.environment !== undefined ? { targetEnv: filter.environment } : {}),
              ...(filter.status !== undefined ? { status: filter.status } : {}),
            },
            ctx,
            wanted === undefined ? {} : { wanted },
          );
          const items: RuntimeItem[] = units.map((u) => ({ ...unitJson(u), cluster }));
          return { cluster, items, error: undefined };
        } catch (error) {
          return { cluster, items: [] as RuntimeItem[], error: (error as Error).message };
        }
      }),
    );
    const failed = answers.flatMap((a) =>
      a.error !== undefined ? [{ cluster: a.cluster, error: a.error }] : [],
    );
    if (clusters.length > 0 && failed.length === clusters.length) {
      throw new UnavailableError(`no CRM answered: ${failed.map((f) => f.error).join("; ")}`);
    }
    const all = answers.flatMap((a) => a.items);
    const start = filter.offset ?? 0;
    const items = all.slice(start, filter.limit === undefined ? undefined : start + filter.limit);
    return { items, partial: failed.length > 0, failed_clusters: failed };
  }

  /** The runtime with this id on the named cluster, else the first cluster that has it. */
  async get(id: string, ctx: CallContext, cluster?: string): Promise<RuntimeItem> {
    const errors: string[] = [];
    for (const name of this.targets(cluster)) {
      try {
        const res = await this.crm.getRuntime(name, id, ctx);
        if (res.deployment) return { ...unitJson(res.deployment), cluster: name };
      } catch (error) {
        if (error instanceof CrmError && error.kind === "answered") continue;
        errors.push((error as Error).message);
      }
    }
    if (errors.length && errors.length === this.targets(cluster).length) {
      throw new UnavailableError(`no CRM answered: ${errors.join("; ")}`);
    }
    throw new NotFoundError(`class runtime "${id}" not found${cluster ? ` on cluster "${cluster}"` : ""}`);
  }
}
