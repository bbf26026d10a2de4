/** The type algebra of cel-go's checker (checker/types.go) and its two type spellings. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ANY, BOOL, DURATION, DYN, INT, NULL, STRING, Substitution, TIMESTAMP,
  formatType, formatTypeName, isAssignable, isExactType, listOf, mapOf, mostGeneral, optionalOf, param, substitute, typeOf,
} from '../../server/src/cel/types.js';
import type { CelType } from '../../server/src/cel/api.js';

const obj = (name: string): CelType => ({ kind: 'object', name, fields: () => new Map() });
const opaque = (name: string): CelType => ({ kind: 'opaque', name, params: [] });

describe('formatType', () => {
  it('uses the checker spelling in messages', () => {
    assert.equal(formatType(mapOf(STRING, listOf(INT))), 'map(string, list(int))');
    assert.equal(formatType(optionalOf(BOOL)), 'optional_type(bool)');
    assert.equal(formatType(typeOf(INT)), 'type(int)');
    assert.equal(formatType(NULL), 'null');
    assert.equal(formatType(ANY), 'any');
    assert.equal(formatType(TIMESTAMP), 'timestamp');
    assert.equal(formatType(obj('selfType.spec')), 'selfType.spec');
    assert.equal(formatType(opaque('net.IP')), 'net.IP');
  });
  it('uses Type.String() for Kubernetes result-type messages', () => {
    assert.equal(formatTypeName(NULL), 'null_type');
    assert.equal(formatTypeName(listOf(TIMESTAMP)), 'list(google.protobuf.Timestamp)');
    assert.equal(formatTypeName(DURATION), 'google.protobuf.Duration');
    assert.equal(formatTypeName(ANY), 'google.protobuf.Any');
    assert.equal(formatTypeName(DYN), 'dyn');
  });
});

describe('isAssignable', () => {
  const ok = (a: CelType, b: CelType) => isAssignable(new Substitution(), a, b);
  it('dyn, any and error are wildcards both ways', () => {
    for (const t of [INT, listOf(STRING), obj('X'), NULL]) {
      assert.ok(ok(DYN, t) && ok(t, DYN) && ok(ANY, t) && ok(t, ANY));
    }
  });
  it('null only to objects, opaques, any, timestamp, duration (and dyn)', () => {
    for (const t of [obj('X'), opaque('net.IP'), TIMESTAMP, DURATION, optionalOf(INT)]) assert.ok(ok(NULL, t) && ok(t, NULL));
    for (const t of [STRING, INT, BOOL, listOf(INT), mapOf(STRING, INT)]) assert.ok(!ok(NULL, t) && !ok(t, NULL));
  });
  it('lists, maps and opaques structurally; objects by name; types by kind', () => {
    assert.ok(ok(listOf(INT), listOf(DYN)));
    assert.ok(!ok(listOf(INT), listOf(STRING)));
    assert.ok(!ok(optionalOf(INT), optionalOf(STRING)));
    assert.ok(ok(obj('A'), obj('A')) && !ok(obj('A'), obj('B')));
    assert.ok(ok(typeOf(INT), typeOf(STRING)));
  });
  it('binds type parameters and keeps the binding', () => {
    const m = new Substitution();
    assert.ok(isAssignable(m, INT, param('A')));
    assert.ok(isAssignable(m, INT, param('A')));
    assert.ok(!isAssignable(m, STRING, param('A')));
    assert.deepEqual(substitute(m, listOf(param('A'))), listOf(INT));
    assert.deepEqual(substitute(m, param('B'), true), DYN);
  });
  it('a binding widens to the more general type', () => {
    const m = new Substitution();
    assert.ok(isAssignable(m, INT, param('A')));
    assert.ok(isAssignable(m, DYN, param('A')));
    assert.deepEqual(substitute(m, param('A')), DYN);
  });
});

describe('isExactType and mostGeneral', () => {
  it('exactness is structural', () => {
    assert.ok(isExactType(listOf(mapOf(STRING, INT)), listOf(mapOf(STRING, INT))));
    assert.ok(!isExactType(listOf(INT), listOf(DYN)));
    assert.ok(!isExactType(DYN, BOOL));
  });
  it('dyn is more general than anything', () => {
    assert.deepEqual(mostGeneral(INT, DYN), DYN);
    assert.deepEqual(mostGeneral(listOf(DYN), listOf(INT)), listOf(DYN));
    assert.deepEqual(mostGeneral(obj('A'), NULL), NULL);
  });
});
