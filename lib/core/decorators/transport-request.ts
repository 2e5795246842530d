import type { ExecutionContext } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth.types';

/** The parts of a request the guards and `@CurrentUser()` read and write, whatever the transport. */
export interface TransportRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthenticatedUser;
}

/** The connection-time data of a socket: socket.io's `handshake`, or the upgrade request of other adapters. */
interface SocketLike {
  handshake?: { headers?: TransportRequest['headers']; auth?: { token?: unknown } };
  request?: { headers?: TransportRequest['headers'] };
  upgradeReq?: { headers?: TransportRequest['headers'] };
}

/**
 * One view per WebSocket message (keyed by the guards' argument array, shared by every guard of one message),
 * so that each message is authenticated again (a revoked session or an expired token stops the next message).
 */
const messageRequests = new WeakMap<object, TransportRequest>();
/**
 * The principal of the socket's last authenticated message, with that message's payload and pattern, for
 * `@CurrentUser()`: its argument array is a copy of the guards' one (same elements), so it finds the message by them.
 * Another message (a `@Public()` one, one the guard did not authenticate) never sees it.
 */
const socketUsers = new WeakMap<object, { user: AuthenticatedUser; data: unknown; pattern: unknown }>();

/** The token a socket presented when it connected: `auth: { token }` (socket.io), else its `Authorization` header. */
function socketHeaders(socket: SocketLike): TransportRequest['headers'] {
  const headers = socket.handshake?.headers ?? socket.request?.headers ?? socket.upgradeReq?.headers ?? {};
  const token = socket.handshake?.auth?.token;
  if (typeof token !== 'string' || token === '') return headers;
  return { ...headers, authorization: /^bearer /i.test(token) ? token : `Bearer ${token}` };
}

class SocketMessageRequest implements TransportRequest {
  readonly headers: TransportRequest['headers'];
  #user: AuthenticatedUser | undefined;

  constructor(private readonly socket: object, private readonly args: unknown[]) {
    this.headers = socketHeaders(socket as SocketLike);
    // A new message: the previous one's principal is no longer this socket's.
    socketUsers.delete(socket);
  }

  get user(): AuthenticatedUser | undefined {
    return this.#user;
  }

  set user(user: AuthenticatedUser | undefined) {
    this.#user = user;
    if (user) socketUsers.set(this.socket, { user, data: this.args[1], pattern: this.args[this.args.length - 1] });
    else socketUsers.delete(this.socket);
  }
}

/**
 * The request behind an execution context, for the three transports Nest apps use:
 * - `http`: the Express or Fastify request;
 * - `graphql`: `req` of the GraphQL context (`GqlExecutionContext`'s third argument; @nestjs/apollo and
 *   mercurius put it there), read without importing `@nestjs/graphql`;
 * - `ws`: a view of the socket's handshake (socket.io `auth.token`, or its `Authorization` header).
 * Anything else (`rpc`...) has none: subclass the guards and override `getRequest()`.
 */
export function transportRequest(context: ExecutionContext): TransportRequest | undefined {
  const type = context.getType<string>();
  // `getArgByIndex(0)` is what `switchToHttp().getRequest()` returns, without the three closures it makes per call.
  if (type === 'http') return context.getArgByIndex<TransportRequest>(0);
  if (type === 'graphql') {
    const gqlContext = context.getArgs()[2] as { req?: TransportRequest; request?: TransportRequest } | undefined;
    return gqlContext?.req ?? gqlContext?.request;
  }
  if (type === 'ws') {
    const args = context.getArgs();
    const socket: unknown = args[0];
    if (typeof socket !== 'object' || socket === null) return undefined;
    let request = messageRequests.get(args);
    if (!request) {
      request = new SocketMessageRequest(socket, args);
      messageRequests.set(args, request);
    }
    return request;
  }
  return undefined;
}

/** The authenticated principal of a context, in any of the transports `transportRequest` knows. */
export function transportUser(context: ExecutionContext): AuthenticatedUser | undefined {
  if (context.getType<string>() === 'ws') {
    const socket: unknown = context.getArgs()[0];
    if (typeof socket !== 'object' || socket === null) return undefined;
    const args = context.getArgs();
    const message = messageRequests.get(args);
    if (message) return message.user;
    const last = socketUsers.get(socket);
    return last && last.data === args[1] && last.pattern === args[args.length - 1] ? last.user : undefined;
  }
  return transportRequest(context)?.user;
}
