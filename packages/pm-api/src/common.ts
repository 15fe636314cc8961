// Building blocks of the PM's REST contract: the error body every failure answers, keys
// in paths and query strings, paging, and the helpers the route table is written with.
import { boundedNumber, bounds, keyDescription, keyKeyword } from "@oaas/models";
import Type, { type TObject, type TProperties, type TSchema } from "typebox";

/**
 * A path parameter or query filter that names a package, class, environment, cluster or
 * deployment: the same key rule as a body's keys (@oaas/models keyProblem, applied by the
 * "x-oaas-key" keyword the PM's validator registers), after percent-decoding.
 */
export const Key = Type.String({ description: keyDescription, [keyKeyword]: true });

/** One problem with an input, at a field path (`classes[0].function_bindings[1].function_key`). */
export const FieldError = Type.Object({ field: Type.String(), message: Type.String() });

/** Every error the PM answers: `{"error": "..."}`, with the field errors of a 400. */
export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: "for a person: what is wrong" }),
    details: Type.Optional(Type.Array(FieldError, { description: "each field's problem (400)" })),
  },
  { additionalProperties: false },
);

/** What each error status means on the PM; a route lists the ones it can answer. */
const errorMeaning = {
  400: "invalid request: a field, query parameter, path parameter or header is wrong (named in the error)",
  401: "no credential, or one that is not valid (WWW-Authenticate says how to authenticate)",
  403: "the credential's role or namespaces do not allow this route (named in the error)",
  404: "not found",
  409: "conflict with what is stored",
  412: "If-Match names a generation that is not the stored one",
  413: "body larger than OPRC_PM_BODY_LIMIT_BYTES",
  415: "body is not application/json",
  429: "too many writes by this principal, or failed authentications from this client; Retry-After says when to retry",
  500: "a bug in the PM",
  502: "a CRM refused the call",
  503: "storage or every asked CRM is unavailable; nothing was changed",
} as const;
export type ErrorStatus = keyof typeof errorMeaning;

/** The error answers of a route: every status it can send, each an ErrorBody. */
export function errors<const S extends ErrorStatus>(...statuses: S[]): { [K in S]: typeof ErrorBody } {
  const all = [...new Set<ErrorStatus>([...statuses, 500])];
  return Object.fromEntries(
    all.map((s) => [s, { ...ErrorBody, description: errorMeaning[s] }]),
  ) as unknown as { [K in S]: typeof ErrorBody };
}

/** The answers of the authentication gate: every route that needs a role can send them. */
export const authErrors = [401, 403, 429] as const;

/** The errors of a route with a JSON body (its parse and size refusals). */
export const bodyErrors = [400, 413, 415] as const;

/** A query string: only the named parameters (a typo of a filter is a 400). */
export function query<P extends TProperties>(properties: P): TObject<P> {
  return Type.Object(properties, { additionalProperties: false });
}

/** Routes without query parameters. */
export const NoQuery = query({});

export const paging = {
  limit: Type.Optional(boundedNumber(bounds.pageSize)),
  offset: Type.Optional(boundedNumber(bounds.offset)),
};

/** `?cluster=`: narrows a read or delete to one configured cluster. */
export const ClusterQuery = query({ cluster: Type.Optional(Key) });

/** `?fresh=true`: skip the health cache. */
export const FreshQuery = query({ fresh: Type.Optional(Type.Boolean()) });

export const NameParams = Type.Object({ name: Key });
export const KeyParams = Type.Object({ key: Key });
export const IdParams = Type.Object({ id: Key });

/** A schema with a description (for response entries of the document). */
export function described<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description };
}

/** An empty answer (204). */
export const NoContent = Type.Null({ description: "no body" });
