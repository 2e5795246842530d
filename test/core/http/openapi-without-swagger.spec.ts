import { Controller, Get } from '@nestjs/common';
import { loadSwagger } from '../../../lib/core/http/openapi';
import { Roles } from '../../../lib';
import { createTestApp, http, type TestApp, uniqueEmail } from '../../support/test-app';

// The app has no @nestjs/swagger (an optional peer): requiring it fails, as it does when it is not installed.
jest.mock('@nestjs/swagger', () => {
  throw Object.assign(new Error("Cannot find module '@nestjs/swagger'"), { code: 'MODULE_NOT_FOUND' });
});

@Controller('reports')
class ReportsController {
  @Roles('admin') @Get() all() { return []; }
}

describe('without @nestjs/swagger', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({}, {}, { controllers: [ReportsController] });
  });

  afterAll(() => testApp.close());

  it('the OpenAPI helpers find no swagger, and the app starts and serves its routes and the library\'s', async () => {
    expect(loadSwagger()).toBeNull();
    expect(Reflect.getMetadataKeys(ReportsController.prototype.all).filter((key) => String(key).startsWith('swagger/'))).toEqual([]);
    const registered = await http(testApp.url, 'POST', '/auth/register', { json: { email: uniqueEmail(), password: 'a long enough password 1' } });
    expect(registered.status).toBe(201);
    const token = (registered.body as { accessToken: string }).accessToken;
    expect((await http(testApp.url, 'GET', '/reports', { token })).status).toBe(403);
    expect((await http(testApp.url, 'GET', '/reports')).status).toBe(401);
  });
});
