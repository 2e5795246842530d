import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on loopback that speaks the Pwned Passwords range API: `GET /range/<5 hex>` answers
 * `SUFFIX:COUNT` lines for the breached passwords it was given whose SHA-1 has that prefix, padded with
 * `SUFFIX:0` lines like the real service. `delayMs` holds every answer (for the timeout path); `paths` records
 * what was asked.
 */
export class PwnedRangeServer {
  readonly paths: string[] = [];
  delayMs = 0;
  private server?: Server;

  constructor(private readonly breached: Record<string, number>) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.paths.push(req.url ?? '');
      const match = /^\/range\/([0-9A-F]{5})$/.exec(req.url ?? '');
      const answer = () => {
        if (!match) {
          res.writeHead(400).end();
          return;
        }
        const lines: string[] = [];
        for (const [password, count] of Object.entries(this.breached)) {
          const digest = createHash('sha1').update(password).digest('hex').toUpperCase();
          if (digest.startsWith(match[1])) lines.push(`${digest.slice(5)}:${count}`);
        }
        for (let i = 0; i < 50; i++) lines.push(`${randomBytes(18).toString('hex').slice(0, 35).toUpperCase()}:0`);
        res.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
      };
      const timer = setTimeout(answer, this.delayMs);
      res.on('close', () => clearTimeout(timer));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
