// Reads variables from a given environment map and collects every problem instead of
// stopping at the first. Never touches process.env: the caller passes the map in.
import { ConfigError, type ConfigProblem } from "./errors.ts";
import type { Parser } from "./values.ts";
import { isCrmVariable, knownVariables, unknownVariableReason } from "./variables.ts";

export type Env = Readonly<Record<string, string | undefined>>;

export class EnvReader {
  private readonly problems: ConfigProblem[] = [];
  private readonly used = new Set<string>();

  constructor(private readonly env: Env) {}

  /** Trimmed value; empty counts as unset, since manifests often carry `value: ""`. */
  raw(name: string): string | undefined {
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

  report(variable: string, reason: string, value?: string): void {
    this.problems.push(value === undefined ? { variable, reason } : { variable, reason, value });
  }

  /** Records every OPRC_CRM_* variable of the environment that is not a known name. */
  reportUnknown(): void {
    for (const [name, value] of Object.entries(this.env)) {
      if (isCrmVariable(name) && !knownVariables.has(name)) {
        this.report(name, unknownVariableReason(name), value?.trim() ?? "");
      }
    }
  }

  /** The variables read with a value, sorted. */
  setVariables(): string[] {
    return [...this.used].sort();
  }

  throwIfProblems(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}
