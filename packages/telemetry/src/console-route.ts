// Libraries print: ioredis writes "[ioredis] Unhandled error event" stacks and password
// warnings with console.error/warn, BullMQ console.error's an error event nobody listens
// to and console.warn's an eviction policy, Node prints its process warnings
// ("(node:1) TimeoutOverflowWarning: ...") on stderr. Each is a raw, often multi-line
// text in a log that pipelines read as one JSON object per line. A service routes them
// through its logger once, at start, so whatever still prints becomes one JSON line
// (`source: "console"` or `"process-warning"`) at a matching level.
import { format } from "node:util";
import type { Logger } from "./logger.ts";

const methods = {
  error: "error",
  warn: "warn",
  log: "info",
  info: "info",
  debug: "debug",
  trace: "debug",
} as const;

type ConsoleMethod = keyof typeof methods;

export interface ConsoleRoute {
  /** Puts the console methods and Node's warning printer back (tests). */
  restore(): void;
}

/**
 * Makes console.error/warn/log/info/debug/trace and Node's process warnings write
 * through `logger`: the printed text becomes `message` (util.format of the arguments,
 * as console would print it, newlines kept inside the JSON string). Levels: error ->
 * error, warn -> warn, log/info -> info, debug/trace -> debug; a process warning -> warn
 * with its name and code. Call once per process, after the logger exists; commands that
 * print for people (usage, `crm history`) do not call it.
 */
export function routeConsoleToLogger(logger: Logger, target: Console = console): ConsoleRoute {
  const saved = new Map<ConsoleMethod, PropertyDescriptor | undefined>();
  for (const [method, level] of Object.entries(methods) as [ConsoleMethod, string][]) {
    saved.set(method, Object.getOwnPropertyDescriptor(target, method));
    target[method] = (...args: unknown[]) => {
      logger.log(level, format(...args), { source: "console" });
    };
  }
  // Node's own printer is a "warning" listener (absent with --no-warnings); ours replaces it.
  const printers = process.listeners("warning");
  process.removeAllListeners("warning");
  const onWarning = (warning: Error & { code?: string }) => {
    logger.warn(warning.message, {
      source: "process-warning",
      warning: warning.name,
      ...(warning.code === undefined ? {} : { code: warning.code }),
    });
  };
  process.on("warning", onWarning);
  return {
    restore: () => {
      // Node's console methods are own properties, so each has a descriptor to put back.
      for (const [method, original] of saved) if (original) Object.defineProperty(target, method, original);
      process.off("warning", onWarning);
      for (const printer of printers) process.on("warning", printer);
    },
  };
}
