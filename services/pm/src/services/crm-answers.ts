// A CRM call's failure as what the PM's decisions (@oaas/models) take: any thrown value
// as a CrmError, and that as a Deploy answer (accepted / refused / unknown, by
// crm/errors.ts deployOutcome) or a DeleteDeployment answer.
import { Code } from "@connectrpc/connect";
import type { DeleteAnswer, DeployAnswer } from "@oaas/models";
import { CrmError, deployOutcome } from "../crm/errors.ts";

/** `error` as a CrmError of `cluster` (anything else counts as no answer). */
export function asCrmError(cluster: string, error: unknown): CrmError {
  return error instanceof CrmError ? error : new CrmError(cluster, "unreachable", undefined, String(error));
}

/** True when the CRM answered NOT_FOUND: it has no such record. */
export function isNotFoundAnswer(error: unknown): boolean {
  return error instanceof CrmError && error.kind === "answered" && error.code === Code.NotFound;
}

/** What a Deploy that ended with `error` (undefined: it succeeded) says about the cluster. */
export function deployAnswer(error: CrmError | undefined): DeployAnswer {
  return error ? deployOutcome(error) : "accepted";
}

/** What a DeleteDeployment that ended with `error` (undefined: it succeeded) counts as. */
export function deleteAnswer(error: CrmError | undefined): DeleteAnswer {
  if (!error) return "deleted";
  if (isNotFoundAnswer(error)) return "not-found";
  return error.kind === "answered" ? "refused" : "no-answer";
}
