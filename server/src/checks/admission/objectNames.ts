import { isScalar } from 'yaml';
import { registerCodes } from '../../engine/codes.js';
import type { Fix } from '../../engine/findings.js';
import { getIn, nodeRange, scalarString } from '../../engine/yamlNav.js';
import { dns1123SubdomainErrors } from '../authConfig/dnsNames.js';
import { replaceScalar, scalarSourceLike } from '../fixes.js';
import type { CheckContext } from '../types.js';

/**
 * Names the apiserver requires to be DNS subdomains (NameIsDNSSubdomain, IsDNS1123Subdomain):
 * the metadata.name of admission policies and their bindings (ValidateObjectMeta), and a
 * binding's spec.policyName (validate{Validating,Mutating}AdmissionPolicyBindingSpec).
 */
export const NAME_CODES = {
  notDnsSubdomain: 'KCG2106',
} as const;

registerCodes([
  {
    code: NAME_CODES.notDnsSubdomain,
    name: 'policy-name-not-dns-subdomain',
    defaultSeverity: 'error',
    title: "An admission policy's or binding's metadata.name, or a binding's policyName, is not a lowercase RFC 1123 subdomain (at most 253 characters); the apiserver rejects the object.",
  },
]);

/**
 * Reports each IsDNS1123Subdomain message for the string scalar `node` as the apiserver words it
 * (`<field>: Invalid value: "<value>": <message>`), at the value. When lower-casing the name makes
 * it valid, that is offered as the quick-fix. An absent or empty value is left to the required-value
 * checks (and metadata.generateName).
 */
export function checkDnsSubdomainName(ctx: CheckContext, node: unknown, field: string): void {
  const value = scalarString(node);
  const range = nodeRange(node);
  if (!value || !range || !isScalar(node)) return;
  const messages = dns1123SubdomainErrors(value);
  if (messages.length === 0) return;
  const lower = value.toLowerCase();
  const fixes: Fix[] = lower !== value && dns1123SubdomainErrors(lower).length === 0
    ? [{ title: `Change to '${lower}'`, edits: replaceScalar(node, scalarSourceLike(node, lower)), isPreferred: true }]
    : [];
  for (const message of messages) {
    ctx.report({
      ...range,
      severity: 'error',
      code: NAME_CODES.notDnsSubdomain,
      message: `${field}: Invalid value: ${JSON.stringify(value)}: ${message}`,
      ...(fixes.length ? { data: { fixes } } : {}),
    });
  }
}

/** metadata.name of the document's object. */
export function checkMetadataName(ctx: CheckContext): void {
  checkDnsSubdomainName(ctx, getIn(ctx.doc.contents, ['metadata', 'name']), 'metadata.name');
}
