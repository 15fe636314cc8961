// A TCP proxy the chaos test controls, put between the PM and a CRM ingress: it passes
// bytes through, delays them, drops the link (every open connection reset, new ones
// reset at once) or blackholes it (connections accepted, nothing forwarded: the peer
// sees a hang and its deadline). No npm package offers these controls without a
// server of its own (toxiproxy is a Go binary), so this is node:net, about 100 lines.
import net from "node:net";

/** pass: bytes flow; delay: each chunk held delayMs; drop: connections reset; blackhole: accepted, never forwarded. */
export type LinkMode =
  | { readonly kind: "pass" }
  | { readonly kind: "delay"; readonly delayMs: number }
  | { readonly kind: "drop" }
  | { readonly kind: "blackhole" };

export interface TcpProxy {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  mode(): LinkMode;
  /** Switches the link; drop and blackhole also end every open connection (a broken link). */
  setMode(mode: LinkMode): void;
  /** Connections accepted so far (a test sees the PM reconnect). */
  accepted(): number;
  close(): Promise<void>;
}

/** Listens on a free loopback port and forwards to targetPort on 127.0.0.1. */
export async function startProxy(targetPort: number): Promise<TcpProxy> {
  let mode: LinkMode = { kind: "pass" };
  let accepted = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    accepted++;
    open.add(client);
    client.once("close", () => open.delete(client));
    client.on("error", () => undefined);
    if (mode.kind === "drop") {
      client.resetAndDestroy();
      return;
    }
    if (mode.kind === "blackhole") {
      client.pause();
      return;
    }
    const upstream = net.connect(targetPort, "127.0.0.1");
    open.add(upstream);
    upstream.once("close", () => {
      open.delete(upstream);
      client.destroy();
    });
    client.once("close", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    pipe(client, upstream, () => mode);
    pipe(upstream, client, () => mode);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    mode: () => mode,
    setMode: (next) => {
      mode = next;
      if (next.kind === "drop" || next.kind === "blackhole") for (const s of open) s.resetAndDestroy();
    },
    accepted: () => accepted,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Copies `from` to `to`, each chunk held for the delay current when it arrived, in order:
 * one FIFO queue per direction drained by one timer, so a chunk never overtakes the one
 * before it (one timer per chunk did: after a switch from delay to pass, a new chunk was
 * written at once, or its shorter timer fired first, while older chunks still waited;
 * an HTTP/2 peer then saw a protocol error). In blackhole and drop mode chunks are swallowed.
 */
function pipe(from: net.Socket, to: net.Socket, mode: () => LinkMode): void {
  const queue: { readonly due: number; readonly chunk: Buffer }[] = [];
  let ended = false;
  let timer: NodeJS.Timeout | undefined;
  const drain = () => {
    timer = undefined;
    const now = Date.now();
    while (queue.length > 0 && (queue[0]?.due ?? 0) <= now) {
      const next = queue.shift();
      if (next && !to.destroyed) to.write(next.chunk);
    }
    if (queue.length > 0) timer = setTimeout(drain, (queue[0]?.due ?? now) - now);
    else if (ended && !to.destroyed) to.end();
  };
  from.on("data", (chunk: Buffer) => {
    const m = mode();
    if (m.kind === "blackhole" || m.kind === "drop") return;
    const delayMs = m.kind === "delay" ? m.delayMs : 0;
    // Never due before the chunk ahead of it.
    const due = Math.max(Date.now() + delayMs, queue.at(-1)?.due ?? 0);
    queue.push({ due, chunk });
    if (timer === undefined) drain();
  });
  from.once("end", () => {
    ended = true;
    if (timer === undefined) drain();
  });
}
