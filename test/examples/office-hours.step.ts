import { AuthRejectedError, type SignInAttempt, type SignInStep } from 'nestjs-authkit';

/**
 * An app-defined sign-in step, written against the public API only: sign-ins (password, registration, OAuth)
 * are refused outside office hours (08:00 to 18:00 UTC, Monday to Friday) with 403 `outside_office_hours`.
 * Registered with `AuthModule.forRoot({ ..., signInSteps: [new OfficeHoursStep()] })` (or the class itself, to
 * have it built with DI).
 */
export class OfficeHoursStep implements SignInStep {
  /** The clock is injectable so that tests can move it; `Date.now` otherwise. */
  constructor(private readonly now: () => number = Date.now, private readonly openHourUtc = 8, private readonly closeHourUtc = 18) {}

  run(attempt: SignInAttempt): void {
    const time = new Date(this.now());
    const weekday = time.getUTCDay() >= 1 && time.getUTCDay() <= 5;
    const hour = time.getUTCHours();
    if (!weekday || hour < this.openHourUtc || hour >= this.closeHourUtc) {
      throw new AuthRejectedError('outside_office_hours', `Sign-in (${attempt.method}) is open 08:00-18:00 UTC on weekdays`, 403);
    }
  }
}
