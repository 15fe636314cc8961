// The watch protocol on the wire: newline-delimited JSON events
// ({"type": ADDED|MODIFIED|DELETED|BOOKMARK|ERROR, "object": ...}).
import type { KubeStatus } from "../errors.ts";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface WatchEvent {
  readonly type: WatchEventType;
  /** The object; for ERROR a metav1.Status; for BOOKMARK only metadata.resourceVersion is meaningful. */
  readonly object: unknown;
}

/**
 * Splits a byte stream into parsed watch events. Ends when the stream ends; a stream
 * error (abort, reset) is thrown from the iteration. A line that is not JSON throws.
 */
export async function* watchEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<WatchEvent> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) yield parse(line);
      newline = buffered.indexOf("\n");
    }
  }
  buffered += decoder.decode();
  if (buffered.trim()) yield parse(buffered.trim());
}

function parse(line: string): WatchEvent {
  const value = JSON.parse(line) as Partial<WatchEvent>;
  if (typeof value.type !== "string") throw new Error(`watch: not an event: ${line.slice(0, 200)}`);
  return { type: value.type, object: value.object };
}

/** The Status of an ERROR event. */
export function errorStatus(event: WatchEvent): KubeStatus {
  return typeof event.object === "object" && event.object !== null ? event.object : {};
}
