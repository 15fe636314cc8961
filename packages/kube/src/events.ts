// A small events.k8s.io/v1 recorder. Repeats are aggregated the way kubectl shows them:
// the same (object, type, reason, note) always maps to one Event name, so a repeat
// bumps `series.count` on the existing Event instead of creating a new one. The name is
// derived, not cached, so aggregation holds across worker processes and restarts.
import { createHash } from "node:crypto";
import type { KubeClient } from "./client.ts";
import { isKubeError } from "./errors.ts";
import { resourcePath, type ResourceType } from "./resources.ts";

export const events: ResourceType = {
  group: "events.k8s.io",
  version: "v1",
  plural: "events",
  namespaced: true,
};

/** The object an Event is about (the DeploymentRecord, for the reconciler). */
export interface EventRegarding {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly uid?: string;
}

export interface EventInput {
  readonly regarding: EventRegarding;
  readonly type: "Normal" | "Warning";
  /** CamelCase, <= 128 chars, e.g. Applied, DriftRepaired, NameConflict. */
  readonly reason: string;
  /** What was done, CamelCase, <= 128 chars, e.g. Reconcile, Delete. */
  readonly action: string;
  /** For a person; cut to 1 kB (the API server's limit). */
  readonly note: string;
}

export interface EventRecorder {
  /** Creates the Event or bumps its series. Never throws: failures go to `onError` (Events are best effort). */
  record(input: EventInput): Promise<void>;
}

export interface EventRecorderOptions {
  /** reportingController, e.g. "oaas.io/crm-reconciler". */
  readonly controller: string;
  /** reportingInstance, e.g. the worker id; <= 128 chars. */
  readonly instance: string;
  readonly now: () => Date;
  readonly onError?: (error: unknown, input: EventInput) => void;
}

interface StoredEvent {
  series?: { count?: number };
}

export function createEventRecorder(client: KubeClient, options: EventRecorderOptions): EventRecorder {
  return {
    async record(input) {
      try {
        await createOrBump(client, options, input);
      } catch (error) {
        options.onError?.(error, input);
      }
    },
  };
}

async function createOrBump(client: KubeClient, options: EventRecorderOptions, input: EventInput) {
  const { namespace } = input.regarding;
  const name = eventName(input);
  const now = microTime(options.now());
  const note = input.note.length > 1024 ? `${input.note.slice(0, 1021)}...` : input.note;
  try {
    await client.request({
      method: "POST",
      path: resourcePath(events, namespace),
      body: {
        apiVersion: "events.k8s.io/v1",
        kind: "Event",
        metadata: { name, namespace },
        eventTime: now,
        reportingController: options.controller,
        reportingInstance: options.instance.slice(0, 128),
        action: input.action,
        reason: input.reason,
        type: input.type,
        note,
        regarding: { ...input.regarding },
      },
    });
    return;
  } catch (error) {
    if (!isKubeError(error, "conflict")) throw error;
  }
  // Seen before: one more occurrence in its series (count starts at 2: the first was the create).
  const path = resourcePath(events, namespace, name);
  const existing = await client.request<StoredEvent>({ method: "GET", path });
  await client.request({
    method: "PATCH",
    path,
    contentType: "application/merge-patch+json",
    body: { series: { count: (existing.series?.count ?? 1) + 1, lastObservedTime: now } },
  });
}

/** `<object name>.<16 hex of sha256(uid, type, reason, note)>`: one Event per distinct occurrence. */
export function eventName(input: EventInput): string {
  const key = JSON.stringify([
    input.regarding.kind,
    input.regarding.uid ?? "",
    input.type,
    input.reason,
    input.note,
  ]);
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 16);
  return `${input.regarding.name.slice(0, 200)}.${hash}`;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
