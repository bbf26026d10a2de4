import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OverloadDecl } from '../../server/src/cel/api.js';
import { formatType as formatCelType } from '../../server/src/cel/types.js';
import {
  allKubernetesOverloads, isIntroduced, kubernetesFeatures, kubernetesOverloads, parseSignatureType, unavailableFunction,
} from '../../server/src/cel/k8sLibraries.js';
import { codeInfo } from '../../server/src/engine/codes.js';

const sig = (o: OverloadDecl) =>
  `${o.receiver ? formatCelType(o.receiver) + '.' : ''}${o.name}(${o.params.map(formatCelType).join(', ')}) -> ${formatCelType(o.result)}`;
const names = (os: OverloadDecl[]) => new Set(os.map((o) => o.name));

test('signature types parse to full CEL type names and type params', () => {
  assert.equal(formatCelType(parseSignatureType('map(string,list(string))')), 'map(string, list(string))');
  assert.equal(formatCelType(parseSignatureType('optional_type(NamedFormat)')), 'optional_type(kubernetes.NamedFormat)');
  assert.equal(formatCelType(parseSignatureType('Quantity')), 'kubernetes.Quantity');
  assert.equal(formatCelType(parseSignatureType('IP')), 'net.IP');
  assert.deepEqual(parseSignatureType('list(T)'), { kind: 'list', elem: { kind: 'param', name: 'T' } });
  assert.throws(() => parseSignatureType('list(Nope)'));
});

test('every declarable entry parses; ids are unique', () => {
  const all = allKubernetesOverloads();
  assert.ok(all.length > 120);
  const ids = all.map((o) => o.id);
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.filter((x, i) => ids.indexOf(x) !== i)}`);
  assert.ok(!names(all).has('sortBy'), 'macros are not overloads');
  assert.ok(!names(all).has('_?._'), 'optional syntax operators are not overloads');
});

test('one overload per T: isSorted, sum, min, max, sort', () => {
  const all = allKubernetesOverloads();
  const of = (n: string) => all.filter((o) => o.name === n).map(sig);
  assert.deepEqual(of('sum'), ['list(int).sum() -> int', 'list(uint).sum() -> uint', 'list(double).sum() -> double', 'list(duration).sum() -> duration']);
  assert.equal(of('isSorted').length, 8);
  assert.ok(of('isSorted').includes('list(bytes).isSorted() -> bool'));
  assert.equal(of('min').length, 8);
  assert.ok(of('max').includes('list(timestamp).max() -> timestamp'));
  assert.equal(all.find((o) => o.name === 'isSorted' && formatCelType(o.receiver!) === 'list(string)')?.id, 'list_string_is_sorted_bool');
  assert.equal(all.find((o) => o.name === 'sum' && formatCelType(o.receiver!) === 'list(int)')?.id, 'list_int_sum_int');
  assert.equal(of('indexOf').filter((s) => s.startsWith('list(A)')).length, 1, 'indexOf keeps its type param');
});

test('global vs member declarations', () => {
  const all = allKubernetesOverloads();
  const sign = all.filter((o) => o.name === 'sign');
  assert.deepEqual(sign.map(sig), ['sign(kubernetes.Quantity) -> int']);
  assert.equal(sign[0].receiver, undefined);
  assert.deepEqual(all.filter((o) => o.name === 'ip.isCanonical').map(sig), ['ip.isCanonical(string) -> bool']);
  assert.ok(all.some((o) => sig(o) === 'net.CIDR.ip() -> net.IP'));
  assert.ok(all.some((o) => sig(o) === 'string(net.IP) -> string'));
});

test('§0.1 version gating: since X is new-usable from X+1, stored from X', () => {
  assert.equal(isIntroduced('1.30', '1.30', 'new'), false);
  assert.equal(isIntroduced('1.30', '1.31', 'new'), true);
  assert.equal(isIntroduced('1.30', '1.30', 'stored'), true);
  assert.equal(isIntroduced('1.0', '1.30', 'new'), true);
  assert.ok(!names(kubernetesOverloads('1.30', 'new', {})).has('ip'));
  assert.ok(names(kubernetesOverloads('1.30', 'stored', {})).has('ip'));
  assert.ok(names(kubernetesOverloads('1.31', 'new', {})).has('ip'));
  assert.ok(!names(kubernetesOverloads('1.31', 'new', {})).has('format.dns1123Label'));
  assert.ok(names(kubernetesOverloads('1.32', 'new', {})).has('format.dns1123Label'));
  assert.ok(!names(kubernetesOverloads('1.33', 'new', {})).has('semver'));
  assert.ok(names(kubernetesOverloads('1.34', 'new', {})).has('semver'));
  assert.ok(!names(kubernetesOverloads('1.34', 'new', {})).has('lists.range'));
  assert.ok(names(kubernetesOverloads('1.35', 'new', {})).has('lists.range'));
  assert.ok(names(kubernetesOverloads('1.30', 'new', {})).has('quantity'));
  assert.ok(!names(kubernetesOverloads('1.35', 'stored', {})).has('includes'), 'lists v1 is 1.37-only');
});

test('cel-go versioned optional library follows the binary, not the phase', () => {
  assert.ok(!names(kubernetesOverloads('1.32', 'stored', {})).has('first'));
  assert.ok(names(kubernetesOverloads('1.33', 'new', {})).has('first'));
  assert.ok(names(kubernetesOverloads('1.33', 'new', {})).has('unwrapOpt'));
});

test('jsonpatch.escapeKey only with patch types', () => {
  assert.ok(!names(kubernetesOverloads('1.35', 'stored', {})).has('jsonpatch.escapeKey'));
  assert.ok(names(kubernetesOverloads('1.35', 'stored', { patchTypes: true })).has('jsonpatch.escapeKey'));
});

test('features per version and phase', () => {
  const f130 = kubernetesFeatures('1.30', 'new');
  assert.deepEqual(f130, {
    optionalTypes: true, crossTypeNumericComparisons: true, twoVarComprehensions: false, existsOne: false, optFlatMap: true,
    sortBy: false, reservedFieldFallback: false, validateLiterals: true, bind: false,
  });
  assert.equal(kubernetesFeatures('1.32', 'new').twoVarComprehensions, false);
  assert.equal(kubernetesFeatures('1.32', 'stored').twoVarComprehensions, true);
  assert.equal(kubernetesFeatures('1.33', 'new').existsOne, true);
  assert.equal(kubernetesFeatures('1.32', 'stored').existsOne, false);
  assert.equal(kubernetesFeatures('1.31', 'new').reservedFieldFallback, false);
  assert.equal(kubernetesFeatures('1.32', 'new').reservedFieldFallback, true);
  assert.equal(kubernetesFeatures('1.35', 'new').sortBy, true);
  assert.equal(kubernetesFeatures('1.34', 'new').sortBy, false);
  assert.equal(kubernetesFeatures('1.35', 'new', { bind: true }).bind, true);
});

test('KCG1007 unavailableFunction', () => {
  assert.equal(unavailableFunction('ip', '1.30', 'new'), "function 'ip' is not available in Kubernetes 1.30: it needs 1.31 (new expressions)");
  assert.equal(unavailableFunction('ip', '1.31', 'new'), undefined);
  assert.equal(unavailableFunction('ip', '1.30', 'stored'), undefined);
  assert.equal(unavailableFunction('semver', '1.32', 'stored'), "function 'semver' is not available in Kubernetes 1.32: it needs 1.33 (stored expressions)");
  assert.equal(unavailableFunction('sortBy', '1.34', 'new'), "function 'sortBy' is not available in Kubernetes 1.34: it needs 1.35 (new expressions)");
  assert.equal(unavailableFunction('first', '1.32', 'new'), "function 'first' is not available in Kubernetes 1.32: it needs 1.33");
  assert.equal(unavailableFunction('noSuchFunction', '1.30', 'new'), undefined);
  assert.equal(unavailableFunction('all', '1.30', 'new'), undefined, 'standard macro names are never reported');
  assert.equal(codeInfo('KCG1007')?.defaultSeverity, 'error');
  assert.equal(codeInfo('KCG1010')?.defaultSeverity, 'info');
});
