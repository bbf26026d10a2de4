import type { Check } from './types.js';
import { validatingAdmissionPolicyCheck } from './validatingAdmissionPolicy.js';
import { mutatingAdmissionPolicyCheck } from './mutatingAdmissionPolicy.js';
import { admissionPolicyBindingCheck } from './admissionPolicyBinding.js';
import { webhookMatchConditionsCheck } from './webhookMatchConditions.js';
import { crdValidationRulesCheck } from './crdValidationRules.js';
import { volumeMountsCheck } from './volumeMounts.js';
import { apiserverFlagsCheck } from './apiserverFlags.js';
import { authorizationConfigCheck } from './authorizationConfig.js';
import { authenticationConfigCheck } from './authenticationConfig.js';

/**
 * Every check the engine runs, in report order. Each module owns its codes (see README).
 * Add new checks here.
 */
export const ALL_CHECKS: Check[] = [
  validatingAdmissionPolicyCheck,
  mutatingAdmissionPolicyCheck,
  admissionPolicyBindingCheck,
  webhookMatchConditionsCheck,
  crdValidationRulesCheck,
  volumeMountsCheck,
  apiserverFlagsCheck,
  authorizationConfigCheck,
  authenticationConfigCheck,
];
