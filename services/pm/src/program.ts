// The `pm` program (npm run pm): settings from the environment (a bad or unknown one
// exits 1 naming the variable), then serve until SIGTERM/SIGINT, closing gracefully.
// Started by main.ts once tracing is set up.
import { createLogger, createMetrics, installProcessGuards, routeConsoleToLogger } from "@oaas/telemetry";
import { startPm } from "./app.ts";
import { parsePmConfig, PmConfigError } from "./config/index.ts";

/** Runs the PM until SIGTERM/SIGINT; resolves with the exit code. */
export async function main(): Promise<number> {
  let config;
  try {
    config = parsePmConfig(process.env);
  } catch (error) {
    if (error instanceof PmConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const logger = createLogger({ service: "pm", level: config.log.level });
  // From here on every line the PM writes is JSON, also what its libraries print.
  routeConsoleToLogger(logger);
  const metrics = config.metrics.enabled ? createMetrics({ serviceName: "oaas-pm" }) : undefined;
  // The shared policy (@oaas/telemetry process-guards.ts), as every CRM role has it: an
  // unhandled rejection is logged and counted and the PM keeps serving (one request's late
  // failure must not end every other request); an uncaught exception is logged and counted
  // before the exit, so a death always leaves its cause in the log.
  installProcessGuards({ logger, ...(metrics ? { metrics } : {}) });
  let pm;
  try {
    pm = await startPm({ config, logger, ...(metrics ? { metrics } : {}) });
  } catch (error) {
    // Unreadable credentials files name their variable; nothing else is served.
    logger.error("pm cannot start", { error: error instanceof Error ? error.message : String(error) });
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info("stopping", { signal });
      resolve();
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  await pm.close();
  logger.info("stopped");
  return 0;
}
