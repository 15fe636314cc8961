// An in-process PM on a free port with its JSON log lines captured, and a small fetch
// helper that returns status, headers and parsed JSON. Every answer the helper receives
// is checked against the PM's own OpenAPI document (@oaas/pm-api/answer-check): an answer
// the document does not describe fails the request, so every suite using it checks the
// contract as it goes. Unless the test configures authentication itself (an OPRC_PM_AUTH_*
// setting), the PM gets a tokens file of testTokens and the helper sends the admin token.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { answerChecker, type AnswerChecker, type OpenApiDocument } from "@oaas/pm-api/answer-check";
import { captureLogLines, type LogLine } from "@oaas/testkit";
import { createLogger } from "@oaas/telemetry";
import type { Repeater } from "@oaas/auth";
import { startPm, type Pm } from "../../src/app.ts";
import { parsePmConfig } from "../../src/config/index.ts";

export type { LogLine } from "@oaas/testkit";

/**
 * The tokens of the tokens file a test PM gets by default (user = the key), one per role,
 * plus a deployer limited to namespace `team-b`.
 */
export const testTokens = {
  admin: "test-admin-0123456789abcdef0123",
  deployer: "test-deployer-0123456789abcdef01",
  viewer: "test-viewer-0123456789abcdef0123",
  metrics: "test-metrics-0123456789abcdef012",
  scoped: "test-scoped-0123456789abcdef0123",
} as const;

/** The tokens file of testTokens (`token,user,role[,namespaces]`). */
export const testTokensFile = [
  `${testTokens.admin},admin,admin`,
  `${testTokens.deployer},deployer,deployer`,
  `${testTokens.viewer},viewer,viewer`,
  `${testTokens.metrics},metrics,metrics`,
  `${testTokens.scoped},scoped,deployer,team-b`,
  "",
].join("\n");

/** `authorization` value of a token. */
export const bearer = (token: string): string => `Bearer ${token}`;

export interface TestPm extends Pm {
  readonly logs: LogLine[];
  /** The admin token the helper sends (undefined when the test configured authentication itself). */
  readonly token: string | undefined;
  /** One request; sends the admin token unless `headers` has `authorization` ("" sends none). */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body (undefined when empty). */
  readonly json: unknown;
}

export async function startTestPm(
  env: Record<string, string> = {},
  options: { readonly authRecheckMs?: number; readonly openWarningRepeat?: Repeater } = {},
): Promise<TestPm> {
  const ownAuth = Object.keys(env).some((name) => name.startsWith("OPRC_PM_AUTH_"));
  const dir = ownAuth ? undefined : await mkdtemp(join(tmpdir(), "oaas-pm-test-"));
  if (dir !== undefined) await writeFile(join(dir, "tokens.csv"), testTokensFile, { mode: 0o600 });
  const config = parsePmConfig({
    // Suites that hammer the API (property tests) are not about the write limit (auth-*.test.ts is).
    OPRC_PM_WRITE_RATE_PER_SEC: "100000",
    ...(dir === undefined ? {} : { OPRC_PM_AUTH_TOKENS_FILE: join(dir, "tokens.csv") }),
    ...env,
  });
  const token = dir === undefined ? undefined : testTokens.admin;
  const { lines: logs, stream } = captureLogLines();
  const logger = createLogger({ service: "pm-test", level: "debug", stream });
  const pm = await startPm({
    config,
    logger,
    listen: { host: "127.0.0.1", port: 0 },
    ...(options.authRecheckMs !== undefined ? { authRecheckMs: options.authRecheckMs } : {}),
    ...(options.openWarningRepeat !== undefined ? { openWarningRepeat: options.openWarningRepeat } : {}),
  });
  let checker: AnswerChecker | undefined;
  return {
    ...pm,
    close: async () => {
      await pm.close();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    },
    logs,
    token,
    request: async (method, path, body, given = {}) => {
      const { authorization = token === undefined ? "" : bearer(token), ...headers } = given;
      const init: RequestInit = {
        method,
        headers: { ...headers, ...(authorization ? { authorization } : {}) },
      };
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
      // Read with this request's credential when the test configured its own (it needs a viewer).
      checker ??= await documentChecker(pm.url, token !== undefined ? bearer(token) : authorization);
      const problem = checker.check(method, path, res.status, json);
      if (problem !== undefined) throw new Error(`${problem}\nanswer: ${text.slice(0, 2000)}`);
      return { status: res.status, headers: res.headers, text, json };
    },
  };
}

/** A checker over the OpenAPI document the PM at `url` serves (read with `authorization`: it needs a viewer). */
export async function documentChecker(url: string, authorization?: string): Promise<AnswerChecker> {
  const res = await fetch(`${url}/api/v1/openapi.json`, {
    headers: authorization ? { authorization } : {},
  });
  if (!res.ok) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
  return answerChecker((await res.json()) as OpenApiDocument);
}

/** The `error` of an answer (fails when the body is not {error: string}). */
export function errorOf(answer: Answer): string {
  const body = answer.json as { error?: unknown } | undefined;
  if (typeof body?.error !== "string") throw new Error(`no {error} in ${answer.status} ${answer.text}`);
  return body.error;
}
