// The `pm` program (npm run pm): settings from the environment (a bad or unknown one
// exits 1 naming the variable), then serve until SIGTERM/SIGINT, closing gracefully.
// Started by main.ts once tracing is set up.
import { createLogger, routeConsoleToLogger } from "@oaas/telemetry";
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
  process.on("unhandledRejection", (reason) => {
    // Logged, not fatal: one request's late failure must not end every other request.
    logger.error("unhandled rejection", { error: reason instanceof Error ? reason.stack : String(reason) });
  });
  let pm;
  try {
    pm = await startPm({ config, logger });
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
