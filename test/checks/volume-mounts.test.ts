import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeText } from '../../server/src/engine/analyze.js';
import type { Finding, Fix } from '../../server/src/engine/findings.js';
import type { KubernetesVersion } from '../../server/src/engine/options.js';
import { applyEdits } from '../../server/src/checks/fixes.js';
import { rroSupport } from '../../server/src/checks/volumeMounts/rroSupport.js';

// out/test/checks → repo root → the shared reference folder next to it.
const SHARED = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared');
const example = (name: string) => readFileSync(join(SHARED, 'docs/apiserver-config-examples', name), 'utf8');
const corpus = (name: string) => readFileSync(join(SHARED, 'corpus/workloads', name), 'utf8');

function check(text: string, version: KubernetesVersion = '1.35'): Finding[] {
  return analyzeText(text, { kubernetesVersion: version }).filter((f) => f.code.startsWith('KCG3'));
}

/** What a user sees: code, severity, the text the squiggle covers, and the message. */
function seen(text: string, findings: Finding[]) {
  return findings.map((f) => ({ code: f.code, severity: f.severity, covers: text.slice(f.start, f.end), message: f.message }));
}

function fixes(f: Finding): Fix[] {
  return ((f.data as { fixes?: Fix[] } | undefined)?.fixes ?? []);
}

function fixTitled(f: Finding, startOfTitle: string): Fix {
  const fix = fixes(f).find((x) => x.title.startsWith(startOfTitle));
  assert.ok(fix, `no fix "${startOfTitle}…" in ${JSON.stringify(fixes(f).map((x) => x.title))}`);
  return fix;
}

const podWithMount = (mount: string, volume: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: busybox
      volumeMounts:
${mount}
  volumes:
${volume}
${extra}`;

const HOST_MNT = `    - name: data
      hostPath:
        path: /mnt`;

describe('readOnly without recursiveReadOnly (KCG3001), graded by the volume', () => {
  test('the deployment fixture: high → warning, medium → info, low → hint, as its comments rank them', () => {
    const text = example('deployment-readonly-missing-rro.yaml');
    const got = seen(text, check(text)).filter((f) => f.code === 'KCG3001');
    assert.deepEqual(got, [
      {
        code: 'KCG3001',
        severity: 'warning',
        covers: 'readOnly: true',
        message:
          'sub-mounts beneath /host stay writable: readOnly: true is not recursive, and hostPath "/" routinely has other filesystems (tmpfs, NFS, kubelet volumes) mounted below it. Set recursiveReadOnly: Enabled or IfPossible.',
      },
      {
        code: 'KCG3001',
        severity: 'warning',
        covers: 'readOnly: true',
        message:
          'sub-mounts beneath /mnt/data stay writable: readOnly: true is not recursive, and hostPath "/mnt" routinely has other filesystems (tmpfs, NFS, kubelet volumes) mounted below it. Set recursiveReadOnly: Enabled or IfPossible.',
      },
      {
        code: 'KCG3001',
        severity: 'info',
        covers: 'readOnly: true',
        message:
          'sub-mounts beneath /var/log stay writable: readOnly: true is not recursive, and hostPath "/var/log" is a host directory where filesystems can be mounted below it. Set recursiveReadOnly: Enabled or IfPossible.',
      },
      {
        code: 'KCG3001',
        severity: 'hint',
        covers: 'readOnly: true',
        message:
          'sub-mounts beneath /fluent-bit/etc stay writable: readOnly: true is not recursive, and configMap volumes are built by the kubelet and nested mounts are not expected. Set recursiveReadOnly: Enabled or IfPossible.',
      },
    ]);
  });

  test('the HostToContainer mount of the fixture gets KCG3002 instead: recursiveReadOnly cannot be added as is', () => {
    const text = example('deployment-readonly-missing-rro.yaml');
    const got = check(text).filter((f) => f.code === 'KCG3002');
    assert.deepEqual(seen(text, got), [
      {
        code: 'KCG3002',
        severity: 'warning',
        covers: 'mountPropagation: HostToContainer',
        message:
          'sub-mounts beneath /mnt/live stay writable: mountPropagation: HostToContainer brings host mounts in writable (also ones added later), and recursiveReadOnly cannot be combined with it; hostPath "/mnt" routinely has other filesystems (tmpfs, NFS, kubelet volumes) mounted below it.',
      },
    ]);
    const fixed = applyEdits(text, fixTitled(got[0], 'Remove mountPropagation and add recursiveReadOnly: Enabled').edits);
    assert.ok(fixed.includes(`              mountPath: /mnt/live
              readOnly: true
              recursiveReadOnly: Enabled
            - name: scratch`));
    assert.deepEqual(check(fixed).filter((f) => f.code === 'KCG3002' || f.code.match(/KCG300[345]/)), []);
  });

  test('"Add recursiveReadOnly: Enabled" inserts the key under readOnly with its indentation, and the finding goes away', () => {
    const text = example('deployment-readonly-missing-rro.yaml');
    const first = check(text)[0];
    const fix = fixTitled(first, 'Add recursiveReadOnly: Enabled');
    assert.equal(fix.title, 'Add recursiveReadOnly: Enabled (fails the pod if the runtime cannot make it recursive)');
    assert.equal(fix.isPreferred, true);
    const fixed = applyEdits(text, fix.edits);
    assert.ok(fixed.includes(`            - name: host-root
              mountPath: /host
              readOnly: true
              recursiveReadOnly: Enabled
            - name: scratch`));
    const after = check(fixed);
    assert.equal(after.length, check(text).length - 1);
    assert.ok(!after.some((f) => f.message.includes('beneath /host ')));
  });

  test('"Add recursiveReadOnly: IfPossible" explains the fallback and keeps a trailing comment on its line', () => {
    const text = podWithMount(
      `        - name: data
          mountPath: /data
          readOnly: true   # keep it read-only`,
      HOST_MNT,
    );
    const [f] = check(text);
    const fix = fixTitled(f, 'Add recursiveReadOnly: IfPossible');
    assert.equal(fix.title, 'Add recursiveReadOnly: IfPossible (recursive where the runtime supports it, else plain read-only)');
    const fixed = applyEdits(text, fix.edits);
    assert.ok(fixed.includes(`          readOnly: true   # keep it read-only
          recursiveReadOnly: IfPossible
  volumes:`));
    assert.deepEqual(check(fixed), []);
  });

  test('flow-style mounts get the key inside the braces', () => {
    const text = podWithMount(`        - {name: data, mountPath: /data, readOnly: true}`, HOST_MNT);
    const [f] = check(text);
    assert.equal(text.slice(f.start, f.end), 'readOnly: true');
    const fixed = applyEdits(text, fixTitled(f, 'Add recursiveReadOnly: Enabled').edits);
    assert.ok(fixed.includes('        - {name: data, mountPath: /data, readOnly: true, recursiveReadOnly: Enabled}'));
    assert.deepEqual(check(fixed), []);
  });

  test('single files and explicit choices stay silent', () => {
    const socket = podWithMount(
      `        - name: sock
          mountPath: /run/containerd.sock
          readOnly: true`,
      `    - name: sock
      hostPath:
        path: /run/containerd/containerd.sock
        type: Socket`,
    );
    const subPathOfConfigMap = podWithMount(
      `        - name: cfg
          mountPath: /etc/app.conf
          subPath: app.conf
          readOnly: true`,
      `    - name: cfg
      configMap:
        name: app`,
    );
    const explicitlyDisabled = podWithMount(
      `        - name: data
          mountPath: /data
          readOnly: true
          recursiveReadOnly: Disabled`,
      HOST_MNT,
    );
    const writable = podWithMount(
      `        - name: data
          mountPath: /data`,
      HOST_MNT,
    );
    for (const text of [socket, subPathOfConfigMap, explicitlyDisabled, writable]) assert.deepEqual(seen(text, check(text)), []);
  });

  test('a parent of a mount-point directory is high; a volume missing from the pod is medium', () => {
    const parent = podWithMount(
      `        - name: var
          mountPath: /host-var
          readOnly: true`,
      `    - name: var
      hostPath:
        path: /var/`,
    );
    assert.deepEqual(check(parent).map((f) => f.severity), ['warning']);
    const missing = podWithMount(
      `        - name: nowhere
          mountPath: /x
          readOnly: true`,
      `    - name: other
      emptyDir: {}`,
    );
    const [f] = check(missing);
    assert.equal(f.severity, 'info');
    assert.match(f.message, /volume "nowhere" is not defined in this pod spec/);
  });

  test('every container list and every pod-template kind is walked; status is not', () => {
    const cron = `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
            - name: sidecar
              image: x
              restartPolicy: Always
              volumeMounts:
                - {name: root, mountPath: /host, readOnly: true}
          containers:
            - name: c
              image: x
          volumes:
            - name: root
              hostPath: {path: /}
`;
    assert.deepEqual(seen(cron, check(cron)).map((f) => [f.code, f.severity]), [['KCG3001', 'warning']]);
    // A live Pod from `kubectl get -o yaml`: status.containerStatuses[].volumeMounts are reports, not mounts.
    const live = corpus('k8s-apiserver-exemplar-pod.yaml');
    const got = check(live);
    assert.equal(got.length, 4, 'one hint per projected service-account token mount in spec');
    assert.ok(got.every((f) => f.severity === 'hint' && f.code === 'KCG3001'));
    assert.ok(got.every((f) => f.start < live.indexOf('\nstatus:')));
  });

  test('a rendered Helm chart: fluent-bit reading the container runtime tree is a warning; the rest at most hints', () => {
    const text = corpus('envoy-gateway-addons-helm-rendered.yaml');
    assert.ok(check(text).filter((f) => f.severity === 'hint').every((f) => /configMap volumes|secret volumes|projected volumes/.test(f.message)));
    assert.deepEqual(seen(text, check(text).filter((f) => f.severity !== 'hint')), [
      {
        code: 'KCG3001',
        severity: 'warning',
        covers: 'readOnly: true',
        message:
          'sub-mounts beneath /var/lib/docker/containers stay writable: readOnly: true is not recursive, and hostPath "/var/lib/docker/containers" routinely has other filesystems (tmpfs, NFS, kubelet volumes) mounted below it. Set recursiveReadOnly: Enabled or IfPossible.',
      },
    ]);
  });

  test('the website example: the Enabled mount is clean, the plain read-only one of /mnt is flagged', () => {
    const text = corpus('k8s-website-rro.yaml');
    assert.deepEqual(
      seen(text, check(text)).map((f) => [f.code, f.severity, f.message.slice(0, 40)]),
      [['KCG3001', 'warning', 'sub-mounts beneath /mnt-ro stay writable']],
    );
  });
});

describe('apiserver validation of recursiveReadOnly (KCG3003–KCG3005)', () => {
  const text = example('deployment-rro-enabled-readonly-false.yaml');

  test('the fixture gives exactly the errors its header lists, in the apiserver\'s words', () => {
    const errors = check(text).filter((f) => f.severity === 'error');
    assert.deepEqual(
      errors.map((f) => f.message).sort(),
      [
        'spec.template.spec.containers[0].volumeMounts[0].recursiveReadOnly: Forbidden: may only be specified when readOnly is true',
        'spec.template.spec.containers[0].volumeMounts[1].recursiveReadOnly: Forbidden: may only be specified when readOnly is true',
        'spec.template.spec.containers[0].volumeMounts[2].recursiveReadOnly: Forbidden: may only be specified when mountPropagation is None or not specified',
        'spec.template.spec.containers[0].volumeMounts[3].recursiveReadOnly: Unsupported value: "enabled": supported values: "Disabled", "Enabled", "IfPossible"',
        'spec.template.spec.initContainers[0].volumeMounts[0].recursiveReadOnly: Forbidden: may only be specified when readOnly is true',
      ].sort(),
    );
    assert.deepEqual(
      errors.map((f) => [f.code, text.slice(f.start, f.end)]),
      [
        ['KCG3003', 'recursiveReadOnly: IfPossible'],
        ['KCG3003', 'recursiveReadOnly: Enabled'],
        ['KCG3003', 'recursiveReadOnly: Enabled'],
        ['KCG3004', 'recursiveReadOnly: IfPossible'],
        ['KCG3005', 'enabled'],
      ],
    );
    // volumeMounts[4] (Disabled with readOnly false) is accepted.
    assert.ok(!check(text).some((f) => f.message.includes('volumeMounts[4]')));
  });

  test('"Set readOnly: true" inserts the key above recursiveReadOnly when missing, flips it when false', () => {
    const [missing, , explicitFalse] = check(text).filter((f) => f.code === 'KCG3003');
    const inserted = applyEdits(text, fixTitled(missing, 'Set readOnly: true').edits);
    assert.ok(inserted.includes(`              mountPath: /mnt
              readOnly: true
              recursiveReadOnly: IfPossible      # readOnly missing`));
    const flipped = applyEdits(text, fixTitled(explicitFalse, 'Set readOnly: true').edits);
    assert.ok(flipped.includes(`              mountPath: /mnt/b
              readOnly: true
              recursiveReadOnly: Enabled         # readOnly explicitly false`));
    for (const fixed of [inserted, flipped]) {
      assert.equal(check(fixed).filter((f) => f.code === 'KCG3003').length, 2);
    }
  });

  test('propagation: remove it or set it to None; wrong case: change to the canonical value', () => {
    const propagation = check(text).find((f) => f.code === 'KCG3004')!;
    const removed = applyEdits(text, fixTitled(propagation, 'Remove mountPropagation').edits);
    assert.ok(removed.includes(`              mountPath: /mnt/c
              readOnly: true
              recursiveReadOnly: IfPossible      # propagation must be None or unset`));
    const none = applyEdits(text, fixTitled(propagation, 'Set mountPropagation: None').edits);
    assert.ok(none.includes('              mountPropagation: None\n'));
    for (const fixed of [removed, none]) assert.ok(!check(fixed).some((f) => f.code === 'KCG3004'));

    const wrongCase = check(text).find((f) => f.code === 'KCG3005')!;
    const fixed = applyEdits(text, fixTitled(wrongCase, 'Change to Enabled').edits);
    assert.ok(fixed.includes('              recursiveReadOnly: Enabled         # enum values are case-sensitive'));
    assert.ok(!check(fixed).some((f) => f.code === 'KCG3005'));
  });

  test('a value with no case-insensitive match gets the error but no guess', () => {
    const bad = podWithMount(`        - {name: data, mountPath: /d, readOnly: true, recursiveReadOnly: Always}`, HOST_MNT);
    const [f] = check(bad);
    assert.equal(f.message, 'spec.containers[0].volumeMounts[0].recursiveReadOnly: Unsupported value: "Always": supported values: "Disabled", "Enabled", "IfPossible"');
    assert.deepEqual(fixes(f), []);
  });
});

describe('Kubernetes version (KCG3006)', () => {
  test('support by minor version: absent before 1.30, gated off in 1.30, on from 1.31', () => {
    assert.deepEqual(['1.29', '1.30', '1.31', '1.33', '1.35'].map(rroSupport), ['absent', 'gated-off', 'on', 'on', 'on']);
  });

  test('1.30: the feature gate is off by default, so the field is dropped silently: warning', () => {
    const text = podWithMount(`        - {name: data, mountPath: /d, readOnly: true, recursiveReadOnly: Enabled}`, HOST_MNT);
    const got = seen(text, check(text, '1.30'));
    assert.deepEqual(got, [
      {
        code: 'KCG3006',
        severity: 'warning',
        covers: 'recursiveReadOnly: Enabled',
        message:
          'Kubernetes 1.30 only honours recursiveReadOnly with the RecursiveReadOnlyMounts feature gate (alpha, off by default) enabled on kube-apiserver and kubelet; without it the apiserver silently drops recursiveReadOnly and /d is read-only only at the top.',
      },
    ]);
    for (const v of ['1.31', '1.33', '1.35'] as const) assert.deepEqual(check(text, v), []);
  });

  test('1.30: the lint says so, and its fixes name the gate', () => {
    const text = podWithMount(`        - {name: data, mountPath: /d, readOnly: true}`, HOST_MNT);
    const [f] = check(text, '1.30');
    assert.match(f.message, /Kubernetes 1\.30 only honours recursiveReadOnly with the RecursiveReadOnlyMounts feature gate/);
    assert.deepEqual(fixes(f).map((x) => x.title), [
      'Add recursiveReadOnly: Enabled (fails the pod if the runtime cannot make it recursive; needs the RecursiveReadOnlyMounts feature gate on 1.30)',
      'Add recursiveReadOnly: IfPossible (recursive where the runtime supports it, else plain read-only; needs the RecursiveReadOnlyMounts feature gate on 1.30)',
    ]);
  });
});

describe('odd input never throws', () => {
  for (const text of [
    'kind: Pod\nspec:\n  containers: 3\n',
    'kind: Pod\nspec:\n  containers:\n    - volumeMounts: [1, null, {readOnly: true}]\n',
    'kind: Deployment\nspec:\n  template: [a]\n',
    'kind: Pod\nspec:\n  containers:\n    - volumeMounts:\n        - readOnly: true\n          recursiveReadOnly:\n',
  ]) {
    test(JSON.stringify(text.slice(0, 50)), () => {
      const all = analyzeText(text, { kubernetesVersion: '1.35' });
      assert.ok(!all.some((f) => f.code === 'KCG2999'), JSON.stringify(all));
    });
  }
});
