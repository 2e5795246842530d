import { NotFoundException } from '@nestjs/common';

/** A route whose feature is switched off answers like a route that does not exist: 404 `not_found`. */
export function requireFeature(enabled: boolean): void {
  if (!enabled) throw new NotFoundException();
}
