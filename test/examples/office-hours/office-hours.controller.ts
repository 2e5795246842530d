import { Get, Header, Inject, UseFilters } from '@nestjs/common';
import { AuthExceptionFilter, Public } from 'nestjs-authkit';
import { isOpen, type OfficeHours } from './office-hours.step';

/** The feature's options, as its providers see them. */
export const OFFICE_HOURS = Symbol('OFFICE_HOURS');

/** `GET /auth/office-hours`: whether sign-in is open now, for the sign-in page to say so. */
@UseFilters(AuthExceptionFilter)
export class OfficeHoursController {
  constructor(@Inject(OFFICE_HOURS) private readonly hours: OfficeHours) {}

  @Public()
  @Get('office-hours')
  @Header('Cache-Control', 'no-store')
  status(): { open: boolean; openHourUtc: number; closeHourUtc: number } {
    const now = (this.hours.now ?? Date.now)();
    return { open: isOpen(this.hours, new Date(now)), openHourUtc: this.hours.openHourUtc, closeHourUtc: this.hours.closeHourUtc };
  }
}
