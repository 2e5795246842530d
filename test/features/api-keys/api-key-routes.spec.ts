import { Controller, Get } from '@nestjs/common';
import { resolveApiKeysOptions } from '../../../lib/features/api-keys/api-keys.options';

@Controller('a')
class Reports {
  @Get('list') list(): void {}
  @Get('stats') stats(): void {}
}

@Controller('b')
class Other {
  @Get() get(): void {}
}

const routes = (value: unknown) => resolveApiKeysOptions({ routes: value as never }).routes;

describe('apiKeys.routes', () => {
  it('resolves handler entries before controller entries, and nothing else', () => {
    const table = routes([{ controller: Reports, handlers: ['stats'], scopes: ['reports:read'] }, { controller: Reports }]);
    expect(table.find(Reports, Reports.prototype.stats)).toEqual({ scopes: ['reports:read'] });
    expect(table.find(Reports, Reports.prototype.list)).toEqual({ scopes: [] });
    expect(table.find(Other, Other.prototype.get)).toBeUndefined();
    expect(routes(undefined).size).toBe(0);
    // An entry naming only some handlers leaves the controller's others out.
    expect(routes([{ controller: Reports, handlers: ['list'] }]).find(Reports, Reports.prototype.stats)).toBeUndefined();
  });

  it.each([
    ['not an array', { controller: Reports }, /"apiKeys.routes" must be an array/],
    ['an unknown key', [{ controller: Reports, path: '/a/*' }], /"apiKeys.routes\[0\].path" is not an option/],
    ['a non-object entry', ['/reports/*'], /"apiKeys.routes\[0\]" must be an object/],
    ['a missing controller', [{ scopes: ['x'] }], /"apiKeys.routes\[0\].controller" must be a controller class/],
    ['a non-class controller', [{ controller: 'Reports' }], /"apiKeys.routes\[0\].controller" must be a controller class/],
    ['a misspelt handler', [{ controller: Reports, handlers: ['lsit'] }], /"lsit", which is not a method of Reports/],
    ['the constructor as a handler', [{ controller: Reports, handlers: ['constructor'] }], /not a method of Reports/],
    ['an empty handler list', [{ controller: Reports, handlers: [] }], /must name at least one method/],
    ['a bad scope', [{ controller: Reports, scopes: ['a b'] }], /"apiKeys.routes\[0\].scopes" must be names/],
    ['a controller twice', [{ controller: Reports }, { controller: Reports }], /names Reports twice/],
    ['a handler twice', [{ controller: Reports, handlers: ['list'] }, { controller: Reports, handlers: ['list'] }], /names Reports.list twice/],
  ])('refuses %s with a TypeError', (_case, value, message) => {
    expect(() => routes(value)).toThrow(TypeError);
    expect(() => routes(value)).toThrow(message);
  });
});
