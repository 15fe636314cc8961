// Which local addresses listen on a TCP port, read from /proc/net/tcp and tcp6 (Linux), so a
// test can check that a process binds only the loopback interface.
import fs from "node:fs";

/** Listening sockets' local addresses on `port`, e.g. ["127.0.0.1"], ["0.0.0.0"], ["::"]. */
export function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue; // no IPv6 on this machine
    }
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== "0A" || local === undefined) continue; // 0A: TCP_LISTEN
      const [hex = "", portHex = ""] = local.split(":");
      if (Number.parseInt(portHex, 16) !== port) continue;
      found.push(hex.length === 8 ? ipv4(hex) : ipv6(hex));
    }
  }
  return found;
}

/** /proc writes an IPv4 address as one little-endian 32-bit word. */
function ipv4(hex: string): string {
  const bytes = hex.match(/../g) ?? [];
  return bytes
    .reverse()
    .map((b) => Number.parseInt(b, 16))
    .join(".");
}

/** /proc writes an IPv6 address as four little-endian 32-bit words; "::" and "::1" are all a test needs by name. */
function ipv6(hex: string): string {
  const words = (hex.match(/.{8}/g) ?? []).map((w) => (w.match(/../g) ?? []).reverse().join(""));
  const full = words.join("");
  if (/^0+$/.test(full)) return "::";
  if (full === "00000000000000000000000000000001") return "::1";
  return (full.match(/.{4}/g) ?? []).join(":");
}
