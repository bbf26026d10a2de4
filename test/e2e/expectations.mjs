// What a user must see when the extension runs in a real VS Code, shared by the code-server suite
// (test/e2e/run.mjs) and the extension-host suite (test/vscode/diagnostics.test.cjs).
// Paths are relative to the opened folder (a copy of the repo's examples/). Lines are 1-based.
// `message` is a substring of the diagnostic's message (the Problems panel shows the whole text).

/** Findings that must be in the Problems panel (and in vscode.languages.getDiagnostics). */
export const EXPECTED_FINDINGS = [
  {
    file: 'admission/deployment-policy.yaml',
    line: 21,
    code: 'KCG1003',
    severity: 'warning',
    message: "undefined field 'Privileged'",
  },
  {
    file: 'admission/deployment-policy.yaml',
    line: 27,
    code: 'KCG1004',
    severity: 'warning',
    message: "found no matching overload for '_<=_' applied to '(int, string)'",
  },
  {
    file: 'admission/deployment-policy.yaml',
    line: 29,
    code: 'KCG1005',
    severity: 'error',
    message: 'must evaluate to bool',
  },
  {
    file: 'security/readonly-mount-not-recursive.yaml',
    line: 26,
    code: 'KCG3001',
    severity: 'warning',
    message: 'sub-mounts beneath /host/kubelet stay writable',
  },
  {
    file: 'security/readonly-mount-not-recursive.yaml',
    line: 44,
    code: 'KCG3002',
    severity: 'warning',
    message: 'sub-mounts beneath /host/run stay writable',
  },
];

/** The diagnostics' `source`, shown in the Problems panel as `kube-cel-guard(KCG1003)`. */
export const DIAGNOSTIC_SOURCE = 'kube-cel-guard';

/**
 * The recursiveReadOnly quick-fix: on `line` of `file` (the KCG3001 for /host/kubelet), the action
 * titled `title…` inserts `insertedLine` right below, with the indentation of `readOnly: true`.
 */
export const READONLY_QUICK_FIX = {
  file: 'security/readonly-mount-not-recursive.yaml',
  line: 26,
  column: 15,
  message: 'sub-mounts beneath /host/kubelet stay writable',
  title: 'Add recursiveReadOnly: Enabled',
  insertedLine: '              recursiveReadOnly: Enabled',
};

/**
 * A policy for the Widget custom resource whose schema comes from crds/widgets-crd.yaml. The
 * fixture (test/e2e/fixtures/) is copied into the opened folder. Trusted: the workspace scan finds
 * the CRD and the misspelt field is reported. Untrusted (Restricted Mode): no scan, so with the CRD
 * file not open there is no schema and no finding — while open files are still checked.
 */
export const WORKSPACE_CRD_FINDING = {
  fixture: 'widget-policy.yaml',
  file: 'admission/widget-policy.yaml',
  line: 16,
  code: 'KCG1003',
  severity: 'warning',
  message: "undefined field 'maxReplica'",
  // Schema-independent: proves the file was checked even where the CRD finding must be absent.
  always: { line: 18, code: 'KCG1005', severity: 'error', message: 'must evaluate to bool but got int' },
};

/**
 * A policy for the Gadget custom resource whose CRD lies OUTSIDE the opened folder, in
 * test/e2e/fixtures/extra-crds/, named by the user setting kubeCelGuard.crdPaths. Trusted: the
 * misspelt field is reported. Untrusted: crdPaths is ignored, so it is not (`always` still is).
 */
export const CRD_PATHS_FINDING = {
  fixture: 'gadget-policy.yaml',
  crdFolder: 'extra-crds',
  file: 'admission/gadget-policy.yaml',
  line: 16,
  code: 'KCG1003',
  severity: 'warning',
  message: "undefined field 'sise'",
  always: { line: 18, code: 'KCG1005', severity: 'error', message: 'must evaluate to bool but got string' },
};

/** Hover over a CEL field: the hover must name the field's type and carry its schema docs. */
export const HOVER = {
  file: 'admission/deployment-policy.yaml',
  line: 27,
  // `replicas` in "object.spec.replicas <= '5'"
  word: 'replicas',
  column: 30,
  mustContain: ['replicas: int'],
  // From the Deployment OpenAPI description of spec.replicas.
  docsContain: ['desired pods'],
};

/** Completion after `object.spec.` inside a CEL expression must offer `replicas`. */
export const COMPLETION = {
  file: 'admission/deployment-policy.yaml',
  // A fresh validation appended after this line (the last line of the file).
  afterLine: 29,
  insertText: '\n  - expression: "object.spec.',
  mustOffer: 'replicas',
};
