// Kubernetes resource quantities, parsed before anything is applied so a bad
// "cpu_request" is reported against its field. Grammar (resource.Quantity in
// https://github.com/kubernetes/apimachinery/blob/master/pkg/api/resource/quantity.go,
// described at https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/):
//   quantity  ::= [+-] number [suffix]
//   number    ::= digits | digits "." [digits] | "." digits
//   suffix    ::= Ki|Mi|Gi|Ti|Pi|Ei  |  n|u|m|k|M|G|T|P|E  |  (e|E) [+-] digits
// Checked against the real API server (packages/templates/test/integration/quantity-oracle.test.ts).
// Deliberately stricter in two places the API server tolerates: surrounding blanks
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

/** Whether `text` is a quantity by the grammar above. */
export function isValidQuantity(text: string): boolean {
  return parseQuantity(text) !== undefined;
}

/**
 * The largest value accepted: int64's maximum in base units (cores, bytes). The API server
 * keeps some larger values as written but saturates others to exactly this
 * (99999999999999999999Ei is stored as 9223372036854775807), and an object stored other
 * than applied never matches its desired state (a drift repair every reconcile). No
 * container asks for more, so larger ones are refused whatever their spelling.
 */
const largestStored: Quantity = { coefficient: 2n ** 63n - 1n, exponent: 0 };
/**
 * The finest step the API server keeps in container resources: 1m. It stores 0.5m, 1u or
 * 1n as 1m (rounded up), so a finer value would never match either.
 */
const finestExponent = -3;

/**
 * Why `text` cannot be a container resource quantity, or undefined when it can: not a
 * quantity (grammar above), negative, above 2^63-1, or finer than 1m: values the API server
 * accepts but may store changed; refusing them names the field instead of an endless
 * repair. Checked against the real API server (quantity-oracle.test.ts). One rule for
 * the CRM's render and the PM's model checks.
 */
export function quantityProblem(text: string): string | undefined {
  const quantity = parseQuantity(text);
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
  if (quantity === undefined)
    return `${shown} is not a Kubernetes quantity (e.g. 500m, 0.5, 128Mi, 1Gi, 1e3)`;
  if (isNegative(quantity)) return `${shown} is negative`;
  if (compareQuantities(quantity, largestStored) > 0)
    return `${shown} is larger than the API server stores (at most 9223372036854775807, about 8Ei); it would be cut down silently`;
  if (
    quantity.exponent < finestExponent &&
    quantity.coefficient % 10n ** BigInt(finestExponent - quantity.exponent) !== 0n
  )
    return `${shown} is finer than 1m (one thousandth), the API server's smallest step; it would be rounded up`;
  return undefined;
}

/** -1, 0 or 1 as a < b, a = b, a > b. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const shared = Math.min(a.exponent, b.exponent);
  const left = a.coefficient * 10n ** BigInt(a.exponent - shared);
  const right = b.coefficient * 10n ** BigInt(b.exponent - shared);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Whether the quantity is below zero. */
export function isNegative(quantity: Quantity): boolean {
  return quantity.coefficient < 0n;
}
