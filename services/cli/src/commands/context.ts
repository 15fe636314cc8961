// What every command gets: the PM client, the output format, the streams and a clock.
import type { OutputFormat } from "../output.ts";
import { renderData } from "../output.ts";
import type { PmClient } from "../pm-client.ts";
import type { WritableLike } from "../progress.ts";

export interface Context {
  readonly client: PmClient;
  readonly output: OutputFormat;
  readonly out: WritableLike;
  /** Progress lines go here, so `-o json` stdout stays parseable. */
  readonly err: WritableLike;
  readonly now: () => number;
}

/** Writes `data` as JSON/YAML, or the table text made by `table` in table mode. */
export function emit(ctx: Context, data: unknown, table: () => string): void {
  ctx.out.write(ctx.output === "table" ? table() : renderData(ctx.output, data));
}

/** Table mode: `message` (e.g. "package/shop created"); JSON/YAML: the PM's answer. */
export function emitAction(ctx: Context, data: unknown, message: string): void {
  emit(ctx, data ?? { result: message }, () => `${message}\n`);
}

/** The message for an empty list in table mode (kubectl prints the same). */
export function emptyList(kind: string): string {
  return `No ${kind} found.\n`;
}
