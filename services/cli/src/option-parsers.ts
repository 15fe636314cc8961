// Parsers of oaasctl's option values (commander's argParser): each refuses a bad value with
// commander's InvalidArgumentError, so the command exits 2 before anything is sent.
import { InvalidArgumentError } from "commander";
import { keyProblem } from "@oaas/models";
import { splitList } from "./deploy-request.ts";

/** --env: cluster names, each a key (@oaas/models keyProblem), none twice; refused before anything is sent. */
export function parseClusters(value: string): string[] {
  if (value.split(",").some((part) => part.trim() === ""))
    throw new InvalidArgumentError("an empty cluster name (a doubled or trailing comma?).");
  const names = splitList(value);
  for (const name of names) {
    const problem = keyProblem(name);
    if (problem !== undefined) throw new InvalidArgumentError(`"${name}": ${problem}.`);
  }
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new InvalidArgumentError(`"${twice}" is named twice.`);
  return names;
}

/** --key: the PM's key rule (@oaas/models keyProblem), checked before anything is sent. */
export function parseKey(value: string): string {
  const problem = keyProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(`${problem}.`);
  return value;
}

export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("must be a whole number (0 or more).");
  return Number(value);
}

export function parseBool(value: string): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw new InvalidArgumentError("must be true or false.");
}

export function parseRatio(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError("must be a number within 0..1 (e.g. 0.99).");
  }
  return n;
}

/** --at-rps: requests per second, a number 0 or more (as `crm nfr explain --at-rps` takes it). */
export function atRps(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError("must be a number of requests per second, 0 or more.");
  }
  return n;
}
