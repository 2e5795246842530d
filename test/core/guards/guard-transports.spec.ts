import { type ExecutionContext, HttpException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { WsException } from '@nestjs/websockets';
import { GraphQLError } from 'graphql';
import { AccessTokenExpiredError, AccessTokenMissingError, AuthError, InsufficientRoleError, StoreUnavailableError } from '../../../lib/core/errors/auth.errors';
import { AuthGuardBase } from '../../../lib/core/guards/auth-guard.base';
import type { AuthRequest, AuthResponse } from '../../../lib/core/guards/auth-request';
import { resolveRoleHierarchy } from '../../../lib/core/guards/roles.options';
import { toGraphQLError, toWsException, transportError } from '../../../lib/core/guards/transport-errors';

/**
 * What the guards share across transports, on its own: the request and response of each context type
 * (`AuthGuardBase`), the error each transport gets (`transportError`: HttpException, GraphQLError, WsException,
 * and the fallbacks without the optional peers), and the role hierarchy option.
 */
function context(type: string, args: unknown[]): ExecutionContext {
  const host = new ExecutionContextHost(args);
  host.setType(type);
  return host;
}

class Guard extends AuthGuardBase {
  request(ctx: ExecutionContext): AuthRequest {
    return this.getRequest(ctx);
  }

  response(ctx: ExecutionContext): AuthResponse | undefined {
    return this.getResponse(ctx);
  }

  fail(ctx: ExecutionContext, error: unknown): never {
    return this.handleError(ctx, error);
  }
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('nothing thrown');
}

describe('AuthGuardBase', () => {
  const guard = new Guard();

  it('getRequest: the HTTP request, the GraphQL req, the socket handshake view; elsewhere a request without headers', () => {
    const http = { headers: { authorization: 'Bearer a' } };
    expect(guard.request(context('http', [http, {}]))).toBe(http);
    const req = { headers: { authorization: 'Bearer b' } };
    expect(guard.request(context('graphql', [{}, {}, { req }, {}]))).toBe(req);
    const socket = { handshake: { headers: {}, auth: { token: 'c' } } };
    expect(guard.request(context('ws', [socket, {}])).headers.authorization).toBe('Bearer c');
    expect(guard.request(context('rpc', [{ headers: { authorization: 'Bearer d' } }]))).toEqual({ headers: {} });
    expect(guard.request(context('graphql', [{}, {}, {}, {}]))).toEqual({ headers: {} });
  });

  it('getResponse: the HTTP response only', () => {
    const response = { setHeader: jest.fn() };
    expect(guard.response(context('http', [{ headers: {} }, response]))).toBe(response);
    expect(guard.response(context('graphql', [{}, response, { req: { headers: {} } }]))).toBeUndefined();
    expect(guard.response(context('ws', [{}, response]))).toBeUndefined();
  });

  it('handleError over HTTP: the headers of the refusal on the response, then an HttpException with the library body', () => {
    const response = { setHeader: jest.fn() };
    const error = thrown(() => guard.fail(context('http', [{ headers: {} }, response]), new AccessTokenExpiredError())) as HttpException;
    expect(error).toBeInstanceOf(HttpException);
    expect(error.getStatus()).toBe(401);
    expect(error.getResponse()).toEqual({ statusCode: 401, code: 'access_token_expired', message: 'The access token has expired' });
    expect(response.setHeader.mock.calls).toEqual([['WWW-Authenticate', 'Bearer error="invalid_token"']]);
    const fastify = { header: jest.fn() };
    thrown(() => guard.fail(context('http', [{ headers: {} }, fastify]), new StoreUnavailableError()));
    expect(fastify.header.mock.calls).toEqual([['Retry-After', '1']]);
    const quiet = { setHeader: jest.fn() };
    expect((thrown(() => guard.fail(context('http', [{ headers: {} }, quiet]), new InsufficientRoleError())) as HttpException).getStatus()).toBe(403);
    expect(quiet.setHeader).not.toHaveBeenCalled();
  });

  it('handleError elsewhere: the transport\'s error, no response touched; anything not an AuthError is rethrown unchanged', () => {
    const response = { setHeader: jest.fn() };
    const gql = thrown(() => guard.fail(context('graphql', [{}, response, { req: { headers: {} } }]), new AccessTokenMissingError()));
    expect(gql).toBeInstanceOf(GraphQLError);
    expect(response.setHeader).not.toHaveBeenCalled();
    expect(thrown(() => guard.fail(context('ws', [{}, response]), new AccessTokenMissingError()))).toBeInstanceOf(WsException);
    const bug = new RangeError('a bug');
    expect(thrown(() => guard.fail(context('http', [{ headers: {} }, response]), bug))).toBe(bug);
    expect(thrown(() => guard.fail(context('http', [{ headers: {} }, response]), 'a string'))).toBe('a string');
    expect(response.setHeader).not.toHaveBeenCalled();
  });
});

describe('transportError', () => {
  it('http and any other type: an HttpException with the library body and the error as cause', () => {
    for (const type of ['http', 'rpc', 'anything']) {
      const error = new AccessTokenMissingError();
      const exception = transportError(context(type, []), error) as HttpException;
      expect(exception).toBeInstanceOf(HttpException);
      expect(exception.getStatus()).toBe(401);
      expect(exception.getResponse()).toEqual({ statusCode: 401, code: 'access_token_missing', message: 'An access token is required' });
      expect(exception.cause).toBe(error);
    }
  });

  it('graphql: a GraphQLError with the message, extensions.code and statusCode, the error as originalError', () => {
    const error = new StoreUnavailableError();
    const gql = transportError(context('graphql', []), error) as GraphQLError;
    expect(gql).toBeInstanceOf(GraphQLError);
    expect(gql.message).toBe(error.message);
    expect(gql.extensions).toEqual({ code: 'store_unavailable', statusCode: 503 });
    expect(gql.originalError).toBe(error);
    expect((toGraphQLError(new InsufficientRoleError()) as GraphQLError).extensions).toEqual({ code: 'insufficient_role', statusCode: 403 });
  });

  it('ws: a WsException whose payload is the body with status error', () => {
    const ws = transportError(context('ws', []), new AccessTokenExpiredError()) as WsException;
    expect(ws).toBeInstanceOf(WsException);
    expect(ws.getError()).toEqual({ status: 'error', statusCode: 401, code: 'access_token_expired', message: 'The access token has expired' });
    expect((toWsException(new InsufficientRoleError()) as WsException).getError()).toMatchObject({ status: 'error', statusCode: 403, code: 'insufficient_role' });
  });

  it('without graphql / @nestjs/websockets: an Error with the same extensions, an HttpException; each peer looked up once', () => {
    let lookups = 0;
    jest.isolateModules(() => {
      jest.doMock('graphql', () => {
        lookups++;
        throw new Error('Cannot find module graphql');
      });
      jest.doMock('@nestjs/websockets', () => ({ WsException: undefined }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('../../../lib/core/guards/transport-errors') as typeof import('../../../lib/core/guards/transport-errors');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const errors = require('../../../lib/core/errors/auth.errors') as typeof import('../../../lib/core/errors/auth.errors');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const common = require('@nestjs/common') as typeof import('@nestjs/common');
      const error = new errors.AccessTokenExpiredError();
      const plain = isolated.toGraphQLError(error) as Error & { extensions: unknown };
      expect(plain).not.toBeInstanceOf(GraphQLError);
      expect(plain.message).toBe('The access token has expired');
      expect(plain.extensions).toEqual({ code: 'access_token_expired', statusCode: 401 });
      expect(plain.cause).toBe(error);
      isolated.toGraphQLError(error);
      expect(lookups).toBe(1);
      const ws = isolated.toWsException(error) as HttpException;
      expect(ws).toBeInstanceOf(common.HttpException);
      expect(ws.getResponse()).toEqual({ statusCode: 401, code: 'access_token_expired', message: 'The access token has expired' });
      expect(isolated.transportError(context('ws', []), error)).toBeInstanceOf(common.HttpException);
      expect(error).toBeInstanceOf(errors.AuthError);
    });
    expect(lookups).toBe(1);
    jest.dontMock('graphql');
    jest.dontMock('@nestjs/websockets');
    expect(new AccessTokenExpiredError()).toBeInstanceOf(AuthError);
  });
});

describe('resolveRoleHierarchy', () => {
  it('defaults to no hierarchy and keeps a valid one as given', () => {
    expect(resolveRoleHierarchy({})).toEqual({});
    const hierarchy = { admin: ['editor', 'user'], editor: ['user'], user: [] };
    expect(resolveRoleHierarchy({ roleHierarchy: hierarchy })).toBe(hierarchy);
  });

  it('refuses a hierarchy that is not an object, or a role whose implied roles are not an array of names', () => {
    expect(resolveRoleHierarchy({ roleHierarchy: null } as never)).toEqual({}); // null is "not set", like undefined
    for (const roleHierarchy of ['admin', 3, ['admin'], true]) {
      expect(() => resolveRoleHierarchy({ roleHierarchy } as never)).toThrow(new TypeError('nestjs-authkit: option "roleHierarchy" must be an object'));
    }
    for (const implied of ['user', { user: true }, ['user', 1], [null], undefined]) {
      expect(() => resolveRoleHierarchy({ roleHierarchy: { admin: ['user'], boss: implied } } as never)).toThrow(
        new TypeError('nestjs-authkit: option "roleHierarchy.boss" must be an array of role names'),
      );
    }
  });
});
