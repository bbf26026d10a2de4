import { AUTH_CODES as C } from './codes.js';
import type { FieldErrors } from './fieldErrors.js';
import { setFix } from './quickFixes.js';
import { isSet, list, str, struct, type GoObject } from './goData.js';
import type { FieldPath } from './yamlLocate.js';

/**
 * Not an apiserver rule (research notes §5.3 "Reserved prefixes"): nothing stops a JWT claim from
 * producing a `system:` user or group. Built-in bindings grant those names a lot — the user
 * system:kube-controller-manager, the group system:masters (cluster-admin) — so a claim mapped
 * with `prefix: ""` and no userValidationRule about `system:` lets whoever controls the claim at
 * the identity provider pick them. Email addresses cannot collide with those names, so an
 * unprefixed email claim is fine.
 */

function guardsSystemPrefix(rules: unknown[]): boolean {
  return rules.some((r) => str(r, 'expression').includes('system:'));
}

/** The claim mapped with `prefix: ""` (a mapping that also has an expression is an error already). */
function unprefixedClaim(mapping: GoObject): string | undefined {
  const claim = str(mapping, 'claim');
  if (claim === '' || str(mapping, 'expression') !== '') return undefined;
  return isSet(mapping, 'prefix') && str(mapping, 'prefix') === '' ? claim : undefined;
}

export function lintSystemNames(errs: FieldErrors, authenticator: GoObject, at: FieldPath): void {
  if (guardsSystemPrefix(list(authenticator, 'userValidationRules'))) return;
  const mappings = struct(authenticator, 'claimMappings');

  const userClaim = unprefixedClaim(struct(mappings, 'username'));
  if (userClaim !== undefined && userClaim !== 'email') {
    // Identity providers usually assign `sub` themselves: worth knowing, rarely exploitable.
    const e = errs.message(
      [...at, 'claimMappings', 'username', 'prefix'],
      `username claim "${userClaim}" has no prefix and no userValidationRule rejects "system:" names: a token whose ${userClaim} is system:kube-controller-manager gets that component's permissions. Set a prefix (e.g. "oidc:") or add a userValidationRule such as !user.username.startsWith('system:')`,
      C.authnSystemNames,
    );
    e.severity = 'info';
    e.fixes = [setFix('Set prefix: "oidc:"', [...at, 'claimMappings', 'username'], 'prefix', 'oidc:')];
  }
  // Group names are often managed by many people at the identity provider: a real risk.
  const groupsClaim = unprefixedClaim(struct(mappings, 'groups'));
  if (groupsClaim !== undefined) {
    errs.message(
      [...at, 'claimMappings', 'groups', 'prefix'],
      `groups claim "${groupsClaim}" has no prefix and no userValidationRule rejects "system:" groups: a token listing system:masters gets cluster-admin. Set a prefix (e.g. "oidc:") or add a userValidationRule such as user.groups.all(g, !g.startsWith('system:'))`,
      C.authnSystemNames,
    ).fixes = [setFix('Set prefix: "oidc:"', [...at, 'claimMappings', 'groups'], 'prefix', 'oidc:')];
  }
}
