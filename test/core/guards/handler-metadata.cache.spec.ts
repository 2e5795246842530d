import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Public, Roles } from '../../../lib';
import { IS_PUBLIC_KEY, ROLES_KEY } from '../../../lib/core/auth.constants';
import { HandlerMetadataCache } from '../../../lib/core/guards/handler-metadata.cache';

class BaseController {
  list(): void {}
  @Roles('admin')
  remove(): void {}
}

@Public()
class PublicSubController extends BaseController {}

@Roles('editor')
class EditorSubController extends BaseController {}

function contextOf(type: object, handler: (...args: unknown[]) => unknown): ExecutionContext {
  return { getClass: () => type, getHandler: () => handler } as unknown as ExecutionContext;
}

describe('HandlerMetadataCache', () => {
  const reflector = new Reflector();

  it('keeps one answer per (controller class, handler): an inherited handler is judged per class', () => {
    let reads = 0;
    const isPublic = new HandlerMetadataCache((context) => {
      reads++;
      return reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]) === true;
    });
    const { list } = BaseController.prototype;
    for (let i = 0; i < 3; i++) {
      expect(isPublic.get(contextOf(BaseController, list))).toBe(false);
      expect(isPublic.get(contextOf(PublicSubController, list))).toBe(true);
    }
    expect(reads).toBe(2);
  });

  it('remembers undefined answers too, and handler metadata wins over the class', () => {
    let reads = 0;
    const roles = new HandlerMetadataCache((context) => {
      reads++;
      return reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    });
    const { list, remove } = BaseController.prototype;
    for (let i = 0; i < 2; i++) {
      expect(roles.get(contextOf(BaseController, list))).toBeUndefined();
      expect(roles.get(contextOf(EditorSubController, list))).toEqual(['editor']);
      expect(roles.get(contextOf(EditorSubController, remove))).toEqual(['admin']);
    }
    expect(reads).toBe(3);
  });
});
