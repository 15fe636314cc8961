// One error for every bad setting found, so an operator fixes them all in one round
// instead of one restart per typo. Every service's settings report through it (EnvReader).

export interface ConfigProblem {
  /** The environment variable at fault. */
  variable: string;
  /** What was wrong and what is allowed. */
  reason: string;
  /** The value as set (trimmed), undefined when the variable was missing. */
  value?: string;
  /** The value is a credential: the message says it was set, never what it is. */
  secret?: boolean;
}

/**
 * Thrown by a service's settings parser (parseCrmConfig; the PM's parsePmConfig throws a
 * subclass). `message` has one line per variable at fault (`NAME="value": reason; allowed:
 * ...`, `NAME (not set): reason` when it is missing); `variable` is the first of them and
 * `problems` lists all, in the order the variables are read.
 */
export class ConfigError extends Error {
  readonly variable: string;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const merged = mergeByVariable(problems);
    super(merged.map(problemLine).join("\n"));
    this.name = "ConfigError";
    this.problems = merged;
    this.variable = merged[0]?.variable ?? "";
  }

  /** Every variable at fault, in message order. */
  get variables(): string[] {
    return this.problems.map((problem) => problem.variable);
  }
}

function mergeByVariable(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const byName = new Map<string, ConfigProblem>();
  for (const problem of problems) {
    const seen = byName.get(problem.variable);
    if (seen === undefined) byName.set(problem.variable, { ...problem });
    else seen.reason = `${seen.reason}; ${problem.reason}`;
  }
  return [...byName.values()];
}

function problemLine(problem: ConfigProblem): string {
  const shown =
    problem.value === undefined
      ? " (not set)"
      : problem.secret
        ? "=(secret, not shown)"
        : `=${showValue(problem.value)}`;
  return `${problem.variable}${shown}: ${problem.reason}`;
}

/** Quoted and escaped (control characters visible), long values cut, URL credentials hidden. */
export function showValue(value: string): string {
  const hidden = value.replace(/\/\/[^/@\s]*@/g, "//***@");
  const cut = hidden.length > 120 ? `${hidden.slice(0, 120)}…` : hidden;
  return JSON.stringify(cut);
}
