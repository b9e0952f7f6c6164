/**
 * Ports for test servers. The server is started on port 0 and reports the port it bound
 * ({@link listeningPort}), so nothing can take it in between. Redis (`--port 0` turns TCP off) and
 * FerretDB cannot report a port-0 bind, so for them {@link freePort} probes one; their start-up
 * fails loudly if another process took it meanwhile.
 */

/**
 * A port nobody listens on right now (the kernel's pick for port 0, released at once).
 *
 * @example
 * const port = freePort(); // then `redis-server --port ${port}`
 */
export function freePort(): number {
  return freePorts(1)[0];
}

/**
 * `n` such ports, all held open together so none is handed out twice.
 *
 * @example
 * const [s3, master, volume] = freePorts(3);
 */
export function freePorts(n: number): number[] {
  const listeners = Array.from({ length: n }, () => Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  listeners.forEach((l) => l.close());
  return ports;
}

/**
 * The port in the "Listening on http://host:port/" line (`deno serve`'s or `lib/ops/server.ts`'s), once `output` has it.
 *
 * @example
 * listeningPort("deno serve: Listening on http://127.0.0.1:41234/ with 2 threads"); // 41234
 */
export function listeningPort(output: string): number | undefined {
  const match = output.match(/Listening on https?:\/\/[^\s/]+:(\d+)\//);
  return match ? Number(match[1]) : undefined;
}
