import type autocannon from 'autocannon';
import type { Fixtures } from './fixtures';
import { JSON_HEADERS } from './http-client';

/**
 * Refresh tokens for row 6. Each 200 puts its rotated token back; the tokens of requests cut off when a
 * load ends are lost, so the pool is topped up (`fill`) before every load of the row.
 */
export class RefreshPool {
  private readonly tokens: string[] = [];
  private batch = 0;

  /**
   * `connections`: the load's; the pool holds 20 tokens per connection after a fill. `tag` names its users'
   * emails: pools that share a Redis need tags of their own.
   */
  constructor(
    private readonly fixtures: Fixtures,
    private readonly connections: number,
    private readonly tag = 'pool',
  ) {}

  /** Makes new sessions when fewer than half the wanted tokens are left. */
  async fill(): Promise<void> {
    const wanted = this.connections * 20;
    if (this.tokens.length >= wanted / 2) return;
    const made = await this.fixtures.sessionPool(wanted - this.tokens.length, `${this.tag}${this.batch++}`);
    this.tokens.push(...made.map((p) => p.refreshToken));
  }

  /** Autocannon requests that present a fresh, valid refresh token every time and recycle the rotated one. */
  requests(): autocannon.Request[] {
    const pool = this.tokens;
    return [
      {
        method: 'POST',
        path: '/auth/refresh',
        headers: JSON_HEADERS,
        setupRequest: (request) => {
          const token = pool.shift();
          if (!token) throw new Error('refresh pool exhausted');
          return { ...request, body: JSON.stringify({ refreshToken: token }) };
        },
        onResponse: (status, body) => {
          if (status === 200) pool.push((JSON.parse(body) as { refreshToken: string }).refreshToken);
        },
      },
    ];
  }
}
