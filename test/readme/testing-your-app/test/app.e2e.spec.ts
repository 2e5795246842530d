// README "Testing your app": its example, verbatim down to "End of the README example" (the last test checks that
// README shows exactly this code), run against ../src/app.module.ts (the quick start's module) on a real Redis.
import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AccessTokenGuard } from 'nestjs-authkit';
import { signInAs, StubAccessTokenGuard } from 'nestjs-authkit/testing';
import { AppModule } from '../src/app.module';

describe('AppController (e2e)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = await moduleRef.createNestApplication().init();
  });
  afterAll(() => app.close());

  it('lets admins in, and only admins', async () => {
    const admin = await signInAs(app, { roles: ['admin'] }); // a new user, signed in: a real session
    await request(app.getHttpServer()).get('/admin').set(admin.headers).expect(200);

    const user = await signInAs(app, { roles: ['user'] });
    await request(app.getHttpServer()).get('/admin').set(user.headers).expect(403);
    await request(app.getHttpServer()).post('/auth/refresh').set('cookie', user.cookie).expect(200);
  });
});

describe('AppController, with a stub user (no tokens, no sessions)', () => {
  const principal = new StubAccessTokenGuard({ id: 'user-1', roles: ['admin'] });
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(AccessTokenGuard).useValue(principal)
      .compile();
    app = await moduleRef.createNestApplication().init();
  });
  afterAll(() => app.close());

  it('sees the stub user on every request', async () => {
    await request(app.getHttpServer()).get('/profile').expect(200).expect(({ body }) => expect(body.id).toBe('user-1'));
    principal.signOut();
    await request(app.getHttpServer()).get('/profile').expect(401);
  });
});
// End of the README example.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('README "Testing your app"', () => {
  it('shows the code of this file, verbatim', () => {
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Testing your app'), readme.indexOf('## Writing a feature'));
    const blocks = [...section.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
    expect(blocks).toHaveLength(1);
    const self = readFileSync(__filename, 'utf8');
    expect(self.slice(self.indexOf('import '), self.indexOf('// End of the README example.'))).toBe(blocks[0]);
  });
});
