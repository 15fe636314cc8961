// "Running without authentication" must not be said once and scroll away: a process that
// serves everyone logs it at startup and then every interval (every hour), for as
// long as it runs. The repetition is one rule for the PM and the CRM; the timer is injected
// so a test can fire the later warnings without waiting an hour. Thin I/O edge: the default
// repeater is an unref'd setInterval (it never keeps a process alive).

/** Calls `fn` every `everyMs` until the returned function is called. */
export type Repeater = (fn: () => void, everyMs: number) => () => void;

/** setInterval, unref'd; the returned function clears it. */
export const intervalRepeater: Repeater = (fn, everyMs) => {
  const timer = setInterval(fn, everyMs);
  timer.unref();
  return () => clearInterval(timer);
};

/** How often the PM and the CRM repeat that they run open, ms: one hour. */
export const openWarningIntervalMs = 3_600_000;

/**
 * Calls `warn` now and then every `everyMs` (default openWarningIntervalMs) through
 * `repeat` (default intervalRepeater). Returns the function that stops the repetition.
 */
export function repeatOpenWarning(
  warn: () => void,
  options: { readonly everyMs?: number; readonly repeat?: Repeater } = {},
): () => void {
  warn();
  return (options.repeat ?? intervalRepeater)(warn, options.everyMs ?? openWarningIntervalMs);
}
