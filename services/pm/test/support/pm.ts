// An in-process PM on a free port with its JSON log lines captured, and a small fetch
// helper that returns status, headers and parsed JSON. Every answer the helper receives
// is checked against the PM's own OpenAPI document (@oaas/pm-api/answer-check): an answer
// the document does not describe fails the request, so every suite using it checks the
// contract as it goes.
import { answerChecker, type AnswerChecker, type OpenApiDocument } from "@oaas/pm-api/answer-check";
import { captureLogLines, type LogLine } from "@oaas/testkit";
import { createLogger } from "@oaas/telemetry";
import { startPm, type Pm } from "../../src/app.ts";
import { parsePmConfig } from "../../src/config/index.ts";

export type { LogLine } from "@oaas/testkit";

export interface TestPm extends Pm {
  readonly logs: LogLine[];
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body (undefined when empty). */
  readonly json: unknown;
}

export async function startTestPm(env: Record<string, string> = {}): Promise<TestPm> {
  const config = parsePmConfig(env);
  const { lines: logs, stream } = captureLogLines();
  const logger = createLogger({ service: "pm-test", level: "debug", stream });
  const pm = await startPm({ config, logger, listen: { host: "127.0.0.1", port: 0 } });
  let checker: AnswerChecker | undefined;
  return {
    ...pm,
    close: () => pm.close(),
    logs,
    request: async (method, path, body, headers = {}) => {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === "string" ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] ??= "application/json";
      }
      const res = await fetch(`${pm.url}${path}`, init);
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      checker ??= await documentChecker(pm.url);
      const problem = checker.check(method, path, res.status, json);
      if (problem !== undefined) throw new Error(`${problem}\nanswer: ${text.slice(0, 2000)}`);
      return { status: res.status, headers: res.headers, text, json };
    },
  };
}

/** A checker over the OpenAPI document the PM at `url` serves. */
export async function documentChecker(url: string): Promise<AnswerChecker> {
  const res = await fetch(`${url}/api/v1/openapi.json`);
  if (!res.ok) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
  return answerChecker((await res.json()) as OpenApiDocument);
}

/** The `error` of an answer (fails when the body is not {error: string}). */
export function errorOf(answer: Answer): string {
  const body = answer.json as { error?: unknown } | undefined;
  if (typeof body?.error !== "string") throw new Error(`no {error} in ${answer.status} ${answer.text}`);
  return body.error;
}
