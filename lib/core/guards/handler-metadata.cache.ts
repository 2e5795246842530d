import type { ExecutionContext } from '@nestjs/common';

/**
 * Remembers a value derived from a route's decorator metadata, per (controller class, handler). Metadata
 * is fixed once the classes are defined, so a guard can read it once per route instead of on every
 * request (each `Reflector` lookup walks prototype chains in `reflect-metadata`).
 */
export class HandlerMetadataCache<T> {
  private readonly byClass = new WeakMap<object, WeakMap<object, { value: T }>>();

  constructor(private readonly read: (context: ExecutionContext) => T) {}

  get(context: ExecutionContext): T {
    const type = context.getClass();
    const handler = context.getHandler();
    let handlers = this.byClass.get(type);
    if (!handlers) {
      handlers = new WeakMap();
      this.byClass.set(type, handlers);
    }
    let entry = handlers.get(handler);
    if (!entry) {
      entry = { value: this.read(context) };
      handlers.set(handler, entry);
    }
    return entry.value;
  }
}
