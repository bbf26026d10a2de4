import type { KubernetesVersion } from '../../engine/options.js';
import type { CelHook } from './celHook.js';
import type { FieldErrors } from './fieldErrors.js';

export interface AuthenticationRuleOptions {
  version: KubernetesVersion;
  cel: CelHook;
  /** The apiserver's --service-account-issuer values, when known (then an overlap is an error). */
  serviceAccountIssuers?: string[];
}

/** What every AuthenticationConfiguration rule needs: where errors go and which release it is. */
export interface AuthnContext {
  errs: FieldErrors;
  o: AuthenticationRuleOptions;
  minor: number;
  /** ≤1.33 wording (before "Remove field name from invalid field detail message"). */
  legacy: boolean;
}
