// Throw-away certificates for tests, made with the openssl CLI (Node cannot issue X.509).
// Files are <dir>/<name>.crt and <dir>/<name>.key.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export function openssl(...args: string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** A self-signed CA `<dir>/<name>.crt|.key`. */
export function createCa(dir: string, name: string, subject: string, days = 30): void {
  const file = (ext: string) => path.join(dir, `${name}.${ext}`);
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    String(days),
    "-subj",
    subject,
    "-keyout",
    file("key"),
    "-out",
    file("crt"),
  );
}

/**
 * A key and a certificate `<dir>/<name>.crt|.key` signed by the CA `<dir>/<ca>.crt|.key`,
 * with X.509v3 extension lines such as "subjectAltName=IP:127.0.0.1".
 */
export function issueCertificate(
  dir: string,
  name: string,
  ca: string,
  subject: string,
  extensions: readonly string[],
  days = 30,
): void {
  const file = (n: string, ext: string) => path.join(dir, `${n}.${ext}`);
  fs.writeFileSync(file(name, "ext"), extensions.join("\n") + "\n");
  openssl(
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    subject,
    "-keyout",
    file(name, "key"),
    "-out",
    file(name, "csr"),
  );
  openssl(
    "x509",
    "-req",
    "-in",
    file(name, "csr"),
    "-CA",
    file(ca, "crt"),
    "-CAkey",
    file(ca, "key"),
    "-CAcreateserial",
    "-days",
    String(days),
    "-extfile",
    file(name, "ext"),
    "-out",
    file(name, "crt"),
  );
}
