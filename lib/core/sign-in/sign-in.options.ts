import { failOption, type OptionKeys } from '../options/options.validation';
import type { SignInStepInput } from './sign-in-step';

/** The module options of the sign-in pipeline. */
export interface SignInPipelineOptions {
  /**
   * The app's sign-in steps, run in this order after the library's (`requireVerifiedEmail`, `hooks.beforeLogin`)
   * for every sign-in: password, registration, OAuth. Each a `SignInStep` class (built with DI, so it may
   * inject the app's providers) or instance. See `SignInStep`.
   */
  signInSteps?: SignInStepInput[];
}

/** The top-level options of the sign-in pipeline. */
export const SIGN_IN_OPTION_KEYS: OptionKeys<SignInPipelineOptions> = { signInSteps: true };

/** `signInSteps`, checked: an array of classes or objects with a `run` method. */
export function resolveSignInSteps(options: SignInPipelineOptions): SignInStepInput[] {
  const steps = options.signInSteps;
  if (steps === undefined) return [];
  if (!Array.isArray(steps)) failOption('signInSteps', 'must be an array of SignInStep classes or instances');
  steps.forEach((step, i) => {
    const valid = typeof step === 'function' || (typeof step === 'object' && step !== null && typeof step.run === 'function');
    if (!valid) failOption(`signInSteps[${i}]`, 'must be a SignInStep class or an object with a run(attempt) method');
  });
  return [...steps];
}
