import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A sandbox's server listening on 127.0.0.1, and how to stop it. */
export interface Listening {
  port: number;
  /** Stops listening and ends kept-alive connections too, so a test's close never waits on a client. */
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 only, on `port` or a free one (0). A taken port (a `--port-base` in use)
 * rejects with EADDRINUSE instead of never resolving.
 */
export async function listenOnLoopback(server: HttpServer | HttpsServer, port = 0): Promise<Listening> {
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
