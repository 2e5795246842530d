import type { AuthFeature } from 'nestjs-authkit';
import { OFFICE_HOURS, OfficeHoursController } from './office-hours.controller';
import { type OfficeHours, OfficeHoursStep } from './office-hours.step';

/**
 * A feature written as an app writes one, with the public API only (this folder is the whole of it): a sign-in
 * step that refuses sign-ins outside office hours, and a route that says whether sign-in is open.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ jwt: { secret }, features: [officeHours({ openHourUtc: 8, closeHourUtc: 18 })] });
 * ```
 */
export function officeHours(hours: OfficeHours): AuthFeature {
  return {
    name: 'office-hours',
    build: (context) => ({
      providers: [{ provide: OFFICE_HOURS, useValue: hours }],
      signInSteps: [new OfficeHoursStep(hours.now, hours.openHourUtc, hours.closeHourUtc)],
      controllers: context.controllers ? [context.mount(OfficeHoursController)] : [],
    }),
  };
}
