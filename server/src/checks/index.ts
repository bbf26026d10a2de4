import type { Check } from './types.js';
import { volumeMountsCheck } from './volumeMounts.js';

/**
 * Every check the engine runs, in report order. Each module owns its codes (see README).
 * Add new checks here.
 */
export const ALL_CHECKS: Check[] = [
  volumeMountsCheck,
];
