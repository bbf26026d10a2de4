/**
 * CLI adapter: `kube-cel-guard check …` prints findings as text, JSON or SARIF;
 * `kube-cel-guard lsp --stdio|--node-ipc` runs the language server.
 * bin/kube-cel-guard loads the bundle of this module (dist/cli.cjs) and calls runCli.
 */
import { parseArgs } from 'node:util';
import { BUNDLED_VERSIONS, DEFAULT_VERSION, isBundledVersion } from './engine/options.js';
import { runCheck } from './features/checkRun.js';
import { formatJson } from './features/reportJson.js';
import { formatSarif } from './features/reportSarif.js';
import { formatText } from './features/reportText.js';
import { packageVersion, useBundledSchemas } from './features/runtimePaths.js';
import { startServer } from './server.js';
import { ClusterSchemas, versionNote } from './schemas/cluster/loader.js';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE_OR_IO = 2;

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `Usage:
  kube-cel-guard check [paths…] [--kubernetes-version X.Y] [--crd PATH]… [--format text|json|sarif]
                       [--cluster [--kubeconfig PATH] [--context NAME]]
  kube-cel-guard lsp --stdio | --node-ipc
  kube-cel-guard --help | --version

check
  Checks the Kubernetes CEL and the security-relevant configuration in YAML files. Folders are
  walked for .yaml/.yml files (node_modules and .git are skipped); '-' reads standard input;
  no path checks the current folder.
  --kubernetes-version X.Y  Kubernetes version to check against: ${BUNDLED_VERSIONS.join(', ')} (default ${DEFAULT_VERSION})
  --crd PATH                a CRD file or folder whose schemas policies may use (repeatable);
                            CRDs among the checked files are used too
  --format FORMAT           text (default), json or sarif (SARIF 2.1.0, for code-scanning upload)
  --cluster                 also read schemas from the cluster of the kubeconfig's current context
                            (as kubectl: $KUBECONFIG or ~/.kube/config, exec credential plugins
                            included); they win over bundled schemas for what the cluster serves.
                            Unreachable or refused: a message on stderr, then the bundled schemas
  --kubeconfig PATH         with --cluster: this kubeconfig file only
  --context NAME            with --cluster: this context instead of current-context
  Exit status: 0 no errors, 1 findings of error severity, 2 usage or I/O error.

lsp
  Runs the language server over standard input/output (--stdio) or Node IPC (--node-ipc).
`;

/** Where the CLI writes; tests and the bin pass the real streams. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
}

const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

class UsageError extends Error {}

/** Resolves to the exit code, or to undefined when the command keeps running (the server). */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number | undefined> {
  if (io === processIo) quietOnClosedPipe();
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'check':
        return await check(rest, io);
      case 'lsp':
        return lsp(rest, io);
      case '--version':
        io.stdout(`${packageVersion()}\n`);
        return EXIT_CLEAN;
      case '--help':
      case '-h':
      case 'help':
        io.stdout(HELP);
        return EXIT_CLEAN;
      case undefined:
        throw new UsageError('missing command');
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err as NodeJS.ErrnoException)?.code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`kube-cel-guard: ${(err as Error).message}\n\n${HELP}`);
      return EXIT_USAGE_OR_IO;
    }
    io.stderr(`kube-cel-guard: ${(err as Error)?.stack ?? err}\n`);
    return EXIT_USAGE_OR_IO;
  }
}

async function check(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'kubernetes-version': { type: 'string' },
      crd: { type: 'string', multiple: true },
      format: { type: 'string' },
      cluster: { type: 'boolean' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return EXIT_CLEAN;
  }
  const version = values['kubernetes-version'] ?? DEFAULT_VERSION;
  if (!isBundledVersion(version)) {
    throw new UsageError(`unsupported --kubernetes-version '${version}' (supported: ${BUNDLED_VERSIONS.join(', ')})`);
  }
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown --format '${values.format}' (text, json or sarif)`);

  if (!values.cluster && (values.kubeconfig !== undefined || values.context !== undefined)) {
    throw new UsageError(`${values.kubeconfig !== undefined ? '--kubeconfig' : '--context'} needs --cluster (kube-cel-guard reaches a cluster only when asked to)`);
  }

  useBundledSchemas();
  const cluster = values.cluster ? await connectCluster(values.kubeconfig, values.context, version, io) : undefined;
  let outcome;
  try {
    outcome = await runCheck({
      paths: positionals.length > 0 ? positionals : ['.'],
      crdPaths: values.crd ?? [],
      options: { kubernetesVersion: version },
      readStdin: io.readStdin,
      cluster,
    });
  } finally {
    cluster?.dispose();
  }

  for (const e of outcome.ioErrors) io.stderr(`kube-cel-guard: cannot read ${e}\n`);
  if (format === 'json') io.stdout(formatJson(outcome));
  else if (format === 'sarif') io.stdout(formatSarif(outcome, packageVersion()));
  else io.stdout(formatText(outcome));

  if (outcome.ioErrors.length > 0) return EXIT_USAGE_OR_IO;
  const hasErrors = outcome.reports.some((r) => r.findings.some((f) => f.severity === 'error'));
  return hasErrors ? EXIT_FINDINGS : EXIT_CLEAN;
}

/** `--cluster`: reads /version and the /openapi/v3 index; failures are one line on stderr, then bundled schemas. */
async function connectCluster(kubeconfig: string | undefined, context: string | undefined, version: string, io: CliIo): Promise<ClusterSchemas> {
  const cluster = new ClusterSchemas(
    { kubeconfig, context },
    {
      log: () => {},
      changed: () => {},
      failed: (message) => io.stderr(`kube-cel-guard: ${message}\n`),
    },
  );
  await cluster.start();
  if (cluster.state === 'ready') {
    io.stderr(`kube-cel-guard: schemas from the cluster of ${cluster.description}, Kubernetes ${cluster.version?.gitVersion ?? '(version unknown)'}\n`);
    const note = versionNote(cluster.version, version, '--kubernetes-version');
    if (note) io.stderr(`kube-cel-guard: ${note}\n`);
  }
  return cluster;
}

function lsp(args: string[], io: CliIo): number | undefined {
  // vscode-languageserver reads the transport from process.argv itself; we only check that one
  // was named, since without it the server would fail with an obscure stream error.
  const transport = args.find((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe='));
  if (!transport) {
    io.stderr(`kube-cel-guard: lsp needs a transport: --stdio or --node-ipc\n\n${HELP}`);
    return EXIT_USAGE_OR_IO;
  }
  startServer();
  return undefined;
}

/** `kube-cel-guard check . | head` closes our stdout early; that is not a crash worth a stack trace. */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
