// Checks an answer of the PM against its OpenAPI document: the operation is found by
// method and path template, the schema by status code, and the body validated with Ajv
// (JSON Schema 2020-12, the dialect of OpenAPI 3.1). The test supports (services/pm,
// e2e through oaasctl) run every answer they receive through it, so an answer the
// document does not describe fails the test that received it. Pure: the caller fetches
// the document. Validators are compiled on first use and kept, so checking is cheap.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";

interface Operation {
  readonly responses?: Record<string, { content?: Record<string, { schema?: unknown }> } | undefined>;
}

/** The part of an OpenAPI 3.1 document the checker reads. */
export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, Operation | undefined>>;
}

interface Template {
  readonly path: string;
  readonly pattern: RegExp;
  /** Literal segments: the most specific template wins (/clusters/health over /clusters/{name}). */
  readonly literals: number;
}

export interface AnswerChecker {
  /**
   * What is wrong with an answer, or undefined when the document describes it (or does not
   * document the route at all: /health, /metrics, an unknown path). `path` may carry a query.
   */
  check(method: string, path: string, status: number, body: unknown): string | undefined;
}

function template(path: string): Template {
  const segments = path.split("/").filter(Boolean);
  const pattern = new RegExp(
    `^/${segments.map((s) => (/^\{.+\}$/.test(s) ? "[^/]+" : s.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))).join("/")}$`,
  );
  return { path, pattern, literals: segments.filter((s) => !s.startsWith("{")).length };
}

/** A checker over `document` (its schemas compiled lazily, once each). */
export function answerChecker(document: OpenApiDocument): AnswerChecker {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const templates = Object.keys(document.paths)
    .map(template)
    .sort((a, b) => b.literals - a.literals);
  const compiled = new Map<string, ValidateFunction | null>();

  function validator(path: string, method: string, status: number): ValidateFunction | null | undefined {
    const operation = document.paths[path]?.[method];
    if (!operation) return undefined;
    const id = `${method} ${path} ${status}`;
    if (!compiled.has(id)) {
      const responses = operation.responses ?? {};
      const response =
        responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses["default"];
      if (!response) return null;
      const schema = response.content?.["application/json"]?.schema;
      compiled.set(id, schema === undefined ? ajv.compile({ type: "null" }) : ajv.compile(schema as object));
    }
    return compiled.get(id);
  }

  return {
    check(method, rawPath, status, body) {
      const path = `/${(rawPath.split("?")[0] ?? "").split("/").filter(Boolean).join("/")}`;
      const match = templates.find((t) => t.pattern.test(path));
      if (!match) return undefined;
      const m = method.toLowerCase();
      const validate = validator(match.path, m, status);
      if (validate === undefined) return undefined;
      const where = `${method} ${rawPath} -> ${status}`;
      if (validate === null)
        return `${where}: the OpenAPI document has no answer ${status} for ${m} ${match.path}`;
      // An empty body (204) is checked as null.
      if (validate(body ?? null)) return undefined;
      const problems = (validate.errors ?? [])
        .slice(0, 5)
        .map((e) => `${e.instancePath || "(body)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`)
        .join("; ");
      return `${where}: the answer does not match the OpenAPI document (${match.path}): ${problems}`;
    },
  };
}
