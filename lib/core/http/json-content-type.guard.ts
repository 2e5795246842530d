import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { UnsupportedMediaTypeError } from '../errors/auth.errors';

interface BodyRequest {
  headers: Record<string, string | string[] | undefined>;
}

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

/** True when the request carries a body (a non-zero `Content-Length`, or a chunked body). */
export function hasBody(request: BodyRequest): boolean {
  const length = request.headers['content-length'];
  if (typeof length === 'string' && length.trim() !== '' && length.trim() !== '0') return true;
  return request.headers['transfer-encoding'] !== undefined;
}

/**
 * Refuses a request body that is not `application/json` with 415 `unsupported_media_type`, before
 * anything else looks at it. Forms and `text/plain` are the bodies a cross-site page can send without a
 * CORS preflight, so this blocks login CSRF (logging a victim into the attacker's account) and form
 * posts at the refresh route. A body-less request passes (a cookie-only refresh has none).
 * Applied to `login`, `register` and `refresh` by their controllers.
 */
@Injectable()
export class JsonContentTypeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<BodyRequest>();
    if (!hasBody(request)) return true;
    const type = request.headers['content-type'];
    if (typeof type !== 'string' || !JSON_MEDIA_TYPE.test(type)) throw new UnsupportedMediaTypeError();
    return true;
  }
}
