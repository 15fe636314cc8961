// Parsers for single values, shared by every service's settings (the CRM's and the PM's).
// Each returns a typed result whose failure reason says what is allowed, so the caller
// (EnvReader) only adds the variable name and the bad value.
import { isIP } from "node:net";
import { containerImageProblem, isDns1123Label, isDns1123Subdomain } from "@oaas/kube-rules";
import type { Parsed, Parser } from "./parsed.ts";
import { parseRedisTarget } from "./redis-url.ts";

export type { Parsed, Parser } from "./parsed.ts";

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

/** Any text, kept as written (trimmed by the reader). */
export const anyText: Parser<string> = (raw) => ok(raw);

/** `parser`, then `f` on its value: e.g. seconds read as an integer, kept as ms. */
export function mapParser<T, U>(parser: Parser<T>, f: (value: T) => U): Parser<U> {
  return (raw) => {
    const parsed = parser(raw);
    return parsed.ok ? ok(f(parsed.value)) : parsed;
  };
}

/** Comma-separated items, each trimmed and parsed by `item`; empty items are skipped. */
export function commaList<T>(item: Parser<T>): Parser<T[]> {
  return (raw) => {
    const values: T[] = [];
    for (const text of raw.split(",").map((part) => part.trim())) {
      if (text === "") continue;
      const parsed = item(text);
      if (!parsed.ok) return fail(`item ${JSON.stringify(text)}: ${parsed.reason}`);
      values.push(parsed.value);
    }
    return ok(values);
  };
}

const truthy = new Set(["true", "1", "yes"]);
const falsy = new Set(["false", "0", "no"]);

export const parseBoolean: Parser<boolean> = (raw) => {
  const word = raw.toLowerCase();
  if (truthy.has(word)) return ok(true);
  if (falsy.has(word)) return ok(false);
  return fail("not a boolean; allowed: true, false, 1, 0, yes, no (any case)");
};

/** A whole number in [min, max]; `unit` names what it counts in the message. */
export function integerIn(min: number, max: number, unit: string): Parser<number> {
  return (raw) => {
    if (!/^[+-]?\d+$/.test(raw)) return fail(`not an integer; allowed: whole ${unit} from ${min} to ${max}`);
    const value = Number(raw);
    if (value < min || value > max) return fail(`out of range; allowed: ${unit} from ${min} to ${max}`);
    return ok(value);
  };
}

/** A decimal number in [0, 1], written plainly (0, 1, 0.99, .5). */
export const parseFraction: Parser<number> = (raw) => {
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(raw)) return fail("not a decimal number; allowed: 0 to 1, e.g. 0.99");
  const value = Number(raw);
  return value <= 1 ? ok(value) : fail("out of range; allowed: 0 to 1, e.g. 0.99");
};

/** One of `allowed`, any case; `aliases` map accepted spellings onto allowed values. */
export function oneOf<T extends string>(
  allowed: readonly T[],
  aliases: Readonly<Record<string, T>> = {},
): Parser<T> {
  return (raw) => {
    const word = raw.toLowerCase();
    const hit = allowed.find((value) => value === word) ?? aliases[word];
    return hit === undefined ? fail(`not allowed; allowed: ${allowed.join(", ")}`) : ok(hit);
  };
}

const durationUnits: readonly [string, number][] = [
  ["y", 365 * 24 * 3600_000],
  ["w", 7 * 24 * 3600_000],
  ["d", 24 * 3600_000],
  ["h", 3600_000],
  ["m", 60_000],
  ["s", 1000],
  ["ms", 1],
];
// Prometheus' own duration grammar: units largest first, each at most once (1h30m, 90s).
const durationPattern = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds of a Prometheus duration such as 10m, 30s or 1h30m; zero is refused. */
export const parseDurationMs: Parser<number> = (raw) => {
  const match = durationPattern.exec(raw);
  if (match === null || raw === "") {
    return fail(
      "not a Prometheus duration; allowed: a number and unit, largest unit first, e.g. 30s, 5m, 1h30m",
    );
  }
  const ms = durationUnits.reduce((sum, [, size], i) => sum + Number(match[i + 1] ?? 0) * size, 0);
  return ms > 0 ? ok(ms) : fail("must be longer than zero, e.g. 30s");
};

/** An absolute http(s) URL, kept as written. */
export const parseHttpUrl: Parser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail("not a URL; allowed: an absolute http or https URL, e.g. http://prometheus.monitoring:9090");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return fail(`scheme ${url.protocol} not allowed; allowed: http, https`);
  }
  return ok(raw);
};

/** A DNS-1123 label (the shape of namespace names); `what` names it in the message. */
export function dns1123Label(what: string): Parser<string> {
  return (raw) =>
    isDns1123Label(raw)
      ? ok(raw)
      : fail(`not a ${what}; allowed: lowercase letters, digits and '-', alphanumeric at both ends, <= 63`);
}

/** A namespace name (DNS-1123 label). */
export const parseNamespace: Parser<string> = dns1123Label("namespace name");

/**
 * The address a listener binds: an IPv4 or IPv6 literal (`127.0.0.1`, `::1`, `0.0.0.0`),
 * not a name, so what is bound never depends on a resolver.
 */
export const parseListenHost: Parser<string> = (raw) =>
  isIP(raw) !== 0 ? ok(raw) : fail("not an IP address; e.g. 127.0.0.1 (this machine only), 0.0.0.0 or ::");

/** A file path (not checked for existence: this package does no I/O). */
export const parsePath: Parser<string> = (raw) =>
  /[\0\n\r]/.test(raw) ? fail("not a file path; control characters are not allowed") : ok(raw);

/** A container image reference, by the rule a kubelet applies (@oaas/kube-rules containerImageProblem). */
export const parseImage: Parser<string> = (raw) => {
  const problem = containerImageProblem(raw);
  return problem === undefined
    ? ok(raw)
    : fail(
        `not an image reference: ${problem}; allowed: [registry/]name[:tag][@sha256:digest], e.g. ghcr.io/org/odgm:1.2`,
      );
};

/** A Redis URL of any topology (see redis-url.ts), kept as written; describeConfig redacts credentials. */
export const parseRedisUrl: Parser<string> = (raw) => {
  const parsed = parseRedisTarget(raw);
  return parsed.ok ? ok(raw) : parsed;
};

/** A Redis key prefix: printable, no spaces or ':' (BullMQ joins keys with ':'), <= 64 chars. */
export const parseKeyPrefix: Parser<string> = (raw) =>
  /^[A-Za-z0-9_.{}-]{1,64}$/.test(raw)
    ? ok(raw)
    : fail(
        "not a key prefix; allowed: 1 to 64 of letters, digits, '_', '.', '-', '{', '}' (e.g. {oaas} on a Redis Cluster)",
      );

/** A Lease name: a DNS-1123 subdomain (the rule of every object name). */
export const parseLeaseName: Parser<string> = (raw) =>
  isDns1123Subdomain(raw)
    ? ok(raw)
    : fail("not an object name; allowed: lowercase letters, digits, '-' and '.', alphanumeric at both ends");

/** A URL path prefix: starts with "/", no spaces, query or fragment. */
export const parseBasePath: Parser<string> = (raw) =>
  /^\/[A-Za-z0-9._~\-/]*$/.test(raw) && !raw.includes("//")
    ? ok(raw)
    : fail(
        "not a path prefix; allowed: '/' followed by letters, digits, '.', '_', '~', '-' and '/', e.g. /oaas/dashboard",
      );
