import type { Check } from './types.js';
import { validateAuthentication } from './authConfig/authenticationRules.js';
import { appliesToKind, runAuthConfigCheck } from './authConfig/runCheck.js';

/**
 * AuthenticationConfiguration files (kube-apiserver --authentication-config): JWT authenticators
 * and anonymous auth, validated as the apiserver does, with every CEL expression type-checked.
 */
export const authenticationConfigCheck: Check = {
  name: 'authentication-configuration',
  appliesTo: appliesToKind('AuthenticationConfiguration'),
  run(ctx) {
    runAuthConfigCheck(ctx, 'AuthenticationConfiguration', (data, cel) =>
      validateAuthentication(data, { version: ctx.options.kubernetesVersion, cel }),
    );
  },
};
