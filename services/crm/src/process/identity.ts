// Who this process is, for the Lease holder, job worker ids, Event reportingInstance and
// history entries: the pod name in a cluster (the hostname), plus the pid so two local
// processes on one machine never share an identity.
import os from "node:os";

/** `<role>-<hostname>-<pid>`, cut to 128 chars (the Event reportingInstance limit). */
export function processIdentity(role: string): string {
  return `${role}-${os.hostname()}-${process.pid}`.slice(0, 128);
}
