/** The subset of a winston Logger (@oaas/telemetry) the queue edge writes to. */
export interface QueueLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}
