// The result of parsing one value: the typed value, or why it is not allowed. Its own
// file so value parsers in several files (values.ts, redis-url.ts) share it without
// importing each other.
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
export type Parser<T> = (raw: string) => Parsed<T>;
