import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A sandbox's request listener: reads the whole body, then hands it to `handle`. A handler that
 * throws answers 500 with the error's text, as a broken server would, instead of hanging the client.
 */
export function withRequestBody(handle: (req: IncomingMessage, res: ServerResponse, body: string) => Promise<void>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(error));
      });
    });
  };
}
