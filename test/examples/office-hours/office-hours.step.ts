import { AuthRejectedError, type SignInAttempt, type SignInStep } from 'nestjs-authkit';

/** When sign-in is open: from `openHourUtc` to `closeHourUtc`, Monday to Friday. */
export interface OfficeHours {
  openHourUtc: number;
  closeHourUtc: number;
  /** The clock (epoch ms); `Date.now` by default, a `ManualClock` in tests. */
  now?: () => number;
}

/** Whether sign-in is open at `time`. */
export function isOpen(hours: OfficeHours, time: Date): boolean {
  const weekday = time.getUTCDay() >= 1 && time.getUTCDay() <= 5;
  const hour = time.getUTCHours();
  return weekday && hour >= hours.openHourUtc && hour < hours.closeHourUtc;
}

/**
 * An app-defined sign-in step, written against the public API only: sign-ins (password, registration, OAuth)
 * are refused outside office hours (08:00 to 18:00 UTC, Monday to Friday) with 403 `outside_office_hours`.
 * Registered by the `officeHours()` feature (office-hours.feature.ts), or alone with
 * `AuthModule.forRoot({ ..., signInSteps: [new OfficeHoursStep()] })`.
 */
export class OfficeHoursStep implements SignInStep {
  /** The clock is injectable so that tests can move it; `Date.now` otherwise. */
  constructor(private readonly now: () => number = Date.now, private readonly openHourUtc = 8, private readonly closeHourUtc = 18) {}

  run(attempt: SignInAttempt): void {
    if (!isOpen({ openHourUtc: this.openHourUtc, closeHourUtc: this.closeHourUtc }, new Date(this.now()))) {
      throw new AuthRejectedError('outside_office_hours', `Sign-in (${attempt.method}) is open 08:00-18:00 UTC on weekdays`, 403);
    }
  }
}
