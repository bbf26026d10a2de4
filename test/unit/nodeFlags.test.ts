import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverNodeFlags } from '../../server/src/features/nodeFlags.js';

test('the server leaves one core to its main thread: V8 background threads one fewer than the cores, Node default from five', () => {
  assert.deepEqual(serverNodeFlags(1), ['--v8-pool-size=1']);
  assert.deepEqual(serverNodeFlags(2), ['--v8-pool-size=1']);
  assert.deepEqual(serverNodeFlags(4), ['--v8-pool-size=3']);
  assert.deepEqual(serverNodeFlags(5), []);
  assert.deepEqual(serverNodeFlags(64), []);
});
