/**
 * A webhook receiver on 127.0.0.1 for the demo: `/hooks/ok` answers 200, `/hooks/gone` 404
 * (a client error the webhook job treats as non-retryable). Counts what it received.
 */
import { createServer, type Server } from 'node:http';

export interface WebhookReceiver {
  readonly baseUrl: string;
  readonly received: () => number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  let received = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/hooks/ok') {
        received++;
        response.writeHead(200).end('ok');
      } else {
        response.writeHead(404).end('no such hook');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received: () => received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
