// The chaos suite's TCP proxy (proxy.ts) against a real echo server on loopback: bytes
// pass, a delay holds them (in order), drop resets open and new connections, blackhole
// accepts and forwards nothing, and pass again heals the link.
import net from "node:net";
import { expect } from "chai";
import { startProxy, type TcpProxy } from "../proxy.ts";

/** Sends `text` through a new connection and resolves with the echo, or rejects on error/close. */
function roundTrip(port: number, text: string, timeoutMs = 2000): Promise<{ echo: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, "127.0.0.1");
    let got = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("timeout"));
    }, timeoutMs);
    socket.on("data", (d: Buffer) => {
      got += d.toString();
      if (got.length >= text.length) {
        clearTimeout(timer);
        socket.end();
        resolve({ echo: got, ms: Date.now() - started });
      }
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      if (got.length < text.length) reject(new Error("closed"));
    });
    socket.write(text);
  });
}

describe("chaos TCP proxy", function () {
  let echo: net.Server;
  let proxy: TcpProxy;
  before(async function () {
    echo = net.createServer((s) => {
      s.on("error", () => undefined);
      s.pipe(s);
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", () => resolve()));
    const address = echo.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    proxy = await startProxy(address.port);
  });
  after(async function () {
    await proxy.close();
    await new Promise((resolve) => echo.close(resolve));
  });

  it("passes bytes through", async function () {
    expect((await roundTrip(proxy.port, "hello")).echo).to.equal("hello");
  });

  it("delays each direction by the set time, in order", async function () {
    proxy.setMode({ kind: "delay", delayMs: 150 });
    const { echo: got, ms } = await roundTrip(proxy.port, "abcdef");
    expect(got).to.equal("abcdef");
    expect(ms).to.be.at.least(290);
    proxy.setMode({ kind: "pass" });
  });

  it("keeps the byte order while the link switches between delay and pass (no chunk overtakes)", async function () {
    this.timeout(20_000);
    // Numbered lines through the echo while the mode flips every few ms: a chunk written
    // at once after a switch to pass, or held for a shorter time than the one before it,
    // must still come after every chunk queued earlier (an HTTP/2 peer sees a protocol
    // error otherwise, as the PM did after the link-delay heal, seed 777).
    const socket = net.connect(proxy.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    let got = "";
    socket.on("data", (d: Buffer) => (got += d.toString()));
    const lines = 600;
    let sent = "";
    for (let i = 0; i < lines; i++) {
      if (i % 15 === 0)
        proxy.setMode(i % 30 === 0 ? { kind: "delay", delayMs: 5 + (i % 7) } : { kind: "pass" });
      const line = `${i}\n`;
      sent += line;
      socket.write(line);
      // Let each line arrive at the proxy as its own chunk; a busy wait now and then
      // makes the proxy's timers late, as a loaded machine does.
      await new Promise((resolve) => setImmediate(resolve));
      if (i % 10 === 0) {
        const until = Date.now() + 8;
        while (Date.now() < until);
      }
    }
    proxy.setMode({ kind: "pass" });
    const deadline = Date.now() + 10_000;
    while (got.length < sent.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    socket.destroy();
    expect(got).to.equal(sent);
  });

  it("drop resets an open connection and every new one; pass heals", async function () {
    const open = net.connect(proxy.port, "127.0.0.1");
    const closed = new Promise<string>((resolve) => {
      open.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
      open.on("close", () => resolve("closed"));
    });
    await new Promise((resolve) => open.once("connect", resolve));
    await new Promise((resolve) => setImmediate(resolve));
    proxy.setMode({ kind: "drop" });
    expect(await closed).to.be.oneOf(["ECONNRESET", "closed"]);
    await roundTrip(proxy.port, "x").then(
      () => expect.fail("a dropped link answered"),
      (error: unknown) => expect(String(error)).to.match(/ECONNRESET|closed/),
    );
    proxy.setMode({ kind: "pass" });
    expect((await roundTrip(proxy.port, "back")).echo).to.equal("back");
  });

  it("blackhole accepts and never answers", async function () {
    proxy.setMode({ kind: "blackhole" });
    const before = proxy.accepted();
    await roundTrip(proxy.port, "x", 300).then(
      () => expect.fail("a blackholed link answered"),
      (error: unknown) => expect(String(error)).to.equal("Error: timeout"),
    );
    expect(proxy.accepted()).to.equal(before + 1);
    proxy.setMode({ kind: "pass" });
    expect((await roundTrip(proxy.port, "again")).echo).to.equal("again");
  });
});
