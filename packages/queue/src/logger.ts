/** The subset of a winston Logger (@oaas/telemetry) the queue edge writes to. */
export interface QueueLogger {
  /** Optional: lines only worth seeing while debugging (e.g. connection errors a monitor already reports). */
  debug?(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}
