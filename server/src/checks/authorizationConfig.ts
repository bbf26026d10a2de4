import type { Check } from './types.js';
import { validateAuthorization } from './authConfig/authorizationRules.js';
import { appliesToKind, runAuthConfigCheck } from './authConfig/runCheck.js';

/**
 * AuthorizationConfiguration files (kube-apiserver --authorization-config): everything the
 * apiserver validates before it starts, with its messages, and the CEL of webhook matchConditions.
 */
export const authorizationConfigCheck: Check = {
  name: 'authorization-configuration',
  appliesTo: appliesToKind('AuthorizationConfiguration'),
  run(ctx) {
    runAuthConfigCheck(ctx, 'AuthorizationConfiguration', (data, cel) =>
      validateAuthorization(data, { version: ctx.options.kubernetesVersion, cel }),
    );
  },
};
