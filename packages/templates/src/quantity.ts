// Kubernetes resource quantities, parsed here rather than by the API server so a bad
// "cpu_request" is reported against its field before anything is applied. Grammar
// (k8s.io/apimachinery resource.Quantity):
//   quantity  ::= [+-] number [suffix]
//   number    ::= digits | digits "." [digits] | "." digits
//   suffix    ::= Ki|Mi|Gi|Ti|Pi|Ei  |  n|u|m|k|M|G|T|P|E  |  (e|E) [+-] digits
// Checked against the real API server (test/integration/quantity-oracle.test.ts). Render
// is deliberately stricter in two places the API server tolerates: surrounding blanks
// (" 1", which it trims) and a missing number ("e3"); both are refused here.
// The value is kept exactly as coefficient × 10^exponent (bigint), so "0.1" vs "100m"
// compare equal without floating-point error.

export interface Quantity {
  /** Signed coefficient. */
  coefficient: bigint;
  /** Power of ten the coefficient is scaled by. */
  exponent: number;
}

const binary: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const decimal: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const grammar = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
// Beyond this exponent the API server's int64-backed arithmetic saturates anyway; it
// also keeps 10n ** exponent from allocating absurd bigints for "1e999999999".
const maxExponent = 1000;

/** The exact value of a quantity, or undefined when `text` is not one. */
export function parseQuantity(text: string): Quantity | undefined {
  const match = grammar.exec(text);
  if (!match) return undefined;
  const [, sign = "", number = "", suffix = ""] = match;
  const [whole = "", fraction = ""] = number.split(".");
  let coefficient = BigInt(`${whole}${fraction}` || "0");
  let exponent = -fraction.length;
  if (Object.hasOwn(binary, suffix)) {
    coefficient *= 1024n ** BigInt(binary[suffix] ?? 0);
  } else if (Object.hasOwn(decimal, suffix)) {
    exponent += decimal[suffix] ?? 0;
  } else {
    exponent += Number(suffix.slice(1));
  }
  if (Math.abs(exponent) > maxExponent) return undefined;
  return { coefficient: sign === "-" ? -coefficient : coefficient, exponent };
}

export function isValidQuantity(text: string): boolean {
  return parseQuantity(text) !== undefined;
}

/** -1, 0 or 1 as a < b, a = b, a > b. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const shared = Math.min(a.exponent, b.exponent);
  const left = a.coefficient * 10n ** BigInt(a.exponent - shared);
  const right = b.coefficient * 10n ** BigInt(b.exponent - shared);
  return left < right ? -1 : left > right ? 1 : 0;
}

export function isNegative(quantity: Quantity): boolean {
  return quantity.coefficient < 0n;
}
