// The PM's store settings: STORAGE_TYPE and, for etcd, the ETCD_* variables (endpoints,
// key prefix, timeout, credentials (the password from OPRC_PM_ETCD_PASSWORD_FILE, a mounted Secret,
// or ETCD_PASSWORD; not both), TLS files). Read with the shared reader (@oaas/config).
import {
  anyText,
  commaList,
  integerIn,
  mapParser,
  oneOf,
  parseBoolean,
  parsePath,
  type EnvReader,
} from "@oaas/config";
import type { EtcdSettings } from "../storage/etcd-kv.ts";
import type { PmConfig } from "./types.ts";

const day = 86_400;

/** STORAGE_TYPE memory (default) | etcd, with the ETCD_* settings checked together. */
export function storageSettings(r: EnvReader): PmConfig["storage"] {
  const type = r.read("STORAGE_TYPE", oneOf(["memory", "etcd"] as const), "memory");
  const tlsEnabled = r.read("ETCD_TLS_ENABLED", parseBoolean, false);
  const caCertPath = r.optional("ETCD_CA_CERT_PATH", parsePath);
  const clientCertPath = r.optional("ETCD_CLIENT_CERT_PATH", parsePath);
  const clientKeyPath = r.optional("ETCD_CLIENT_KEY_PATH", parsePath);
  const username = r.optional("ETCD_USERNAME", anyText);
  const password = r.optional("ETCD_PASSWORD", anyText);
  const passwordFile = r.optional("OPRC_PM_ETCD_PASSWORD_FILE", parsePath);
  if (password !== undefined && passwordFile !== undefined)
    r.report(
      "ETCD_PASSWORD",
      "set together with OPRC_PM_ETCD_PASSWORD_FILE: give one (the file, a mounted Secret, is preferred)",
    );
  if (clientCertPath !== undefined && clientKeyPath === undefined)
    r.report("ETCD_CLIENT_KEY_PATH", "required with ETCD_CLIENT_CERT_PATH: give both or neither");
  if (clientKeyPath !== undefined && clientCertPath === undefined)
    r.report("ETCD_CLIENT_CERT_PATH", "required with ETCD_CLIENT_KEY_PATH: give both or neither");
  if (
    !tlsEnabled &&
    (caCertPath ?? clientCertPath ?? clientKeyPath) !== undefined &&
    r.isValid("ETCD_TLS_ENABLED")
  ) {
    r.report(
      "ETCD_TLS_ENABLED",
      "must be true when ETCD_CA_CERT_PATH or client certificate files are set",
      r.raw("ETCD_TLS_ENABLED"),
    );
  }
  if ((password ?? passwordFile) !== undefined && username === undefined)
    r.report(
      "ETCD_USERNAME",
      `required because ${password !== undefined ? "ETCD_PASSWORD" : "OPRC_PM_ETCD_PASSWORD_FILE"} is set`,
    );
  const etcd: EtcdSettings = {
    endpoints: r.read("ETCD_ENDPOINTS", commaList(anyText), ["localhost:2379"]),
    keyPrefix: r.read(
      "ETCD_KEY_PREFIX",
      mapParser(anyText, (text) => (text.startsWith("/") ? text : `/${text}`)),
      "/oaas/pm",
    ),
    // A few seconds: a request (and /ready) must not hang on an etcd that does not answer.
    timeoutMs: r.read("ETCD_TIMEOUT", integerIn(1, day, "seconds"), 3) * 1000,
    ...(username !== undefined
      ? passwordFile !== undefined
        ? { username, passwordFile }
        : { username, password: password ?? "" }
      : {}),
    ...(tlsEnabled
      ? {
          tls: {
            ...(caCertPath ? { caCertPath } : {}),
            ...(clientCertPath ? { clientCertPath } : {}),
            ...(clientKeyPath ? { clientKeyPath } : {}),
          },
        }
      : {}),
  };
  return type === "etcd" ? { type, etcd } : { type };
}
