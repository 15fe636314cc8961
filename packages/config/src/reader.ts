// Reads variables from a given environment map and collects every problem instead of
// stopping at the first. Never touches process.env: the caller passes the map in. One
// reader for every service's settings (the CRM's parseCrmConfig, the PM's
// parsePmConfig), so a value is trimmed, checked and reported the same way everywhere.
import { ConfigError, type ConfigProblem } from "./errors.ts";
import type { Parser } from "./parsed.ts";

export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvReaderOptions {
  /** Variables whose values must never appear in a message (tokens, passwords). Default: none. */
  readonly secret?: (name: string) => boolean;
}

export class EnvReader {
  private readonly problems: ConfigProblem[] = [];
  private readonly used = new Set<string>();
  private readonly asked = new Set<string>();
  private readonly secret: (name: string) => boolean;

  constructor(
    private readonly env: Env,
    options: EnvReaderOptions = {},
  ) {
    this.secret = options.secret ?? (() => false);
  }

  /** Trimmed value; empty counts as unset, since manifests often carry `value: ""`. */
  raw(name: string): string | undefined {
    this.asked.add(name);
    const value = this.env[name]?.trim();
    if (value === undefined || value === "") return undefined;
    this.used.add(name);
    return value;
  }

  /** The parsed value, or `fallback` when unset; a bad value is recorded and `fallback` returned. */
  read<T>(name: string, parser: Parser<T>, fallback: T): T {
    return this.optional(name, parser) ?? fallback;
  }

  /** The parsed value, or undefined when unset or bad (a bad value is recorded). */
  optional<T>(name: string, parser: Parser<T>): T | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    const parsed = parser(raw);
    if (parsed.ok) return parsed.value;
    this.report(name, parsed.reason, raw);
    return undefined;
  }

  /** Whether `name` was set to a valid value or not set at all: cross-field checks skip bad inputs. */
  isValid(name: string): boolean {
    return !this.problems.some((problem) => problem.variable === name);
  }

  /** Whether `name` was set (non-empty) and read. */
  isSet(name: string): boolean {
    return this.used.has(name);
  }

  /** Records a problem with `variable`; `value` as set, or undefined when it is not set. */
  report(variable: string, reason: string, value?: string): void {
    const problem: ConfigProblem = { variable, reason };
    if (value !== undefined) problem.value = value;
    if (this.secret(variable)) problem.secret = true;
    this.problems.push(problem);
  }

  /**
   * Records every variable of the environment that is ours (`owns`) but not known:
   * by default, one nothing asked for with raw/read/optional, so this runs last.
   * `reason` says why, e.g. with a "did you mean" hint.
   */
  reportUnknown(
    owns: (name: string) => boolean,
    reason: (name: string) => string,
    isKnown: (name: string) => boolean = (name) => this.asked.has(name),
  ): void {
    for (const [name, value] of Object.entries(this.env)) {
      if (owns(name) && !isKnown(name)) this.report(name, reason(name), value?.trim() ?? "");
    }
  }

  /** Every variable name of the environment (set or empty), for rules over name patterns. */
  names(): string[] {
    return Object.keys(this.env);
  }

  /** The variables read with a value, sorted. */
  setVariables(): string[] {
    return [...this.used].sort();
  }

  /** Throws `ConfigError` (or what `error` makes of the problems) when any was recorded. */
  throwIfProblems(error: (problems: readonly ConfigProblem[]) => Error = (p) => new ConfigError(p)): void {
    if (this.problems.length > 0) throw error(this.problems);
  }
}
