/**
 * LSP wiring: carries requests to the engine and results back. Works over --stdio and --node-ipc
 * (createConnection reads the transport from the command line).
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type CodeAction,
  type Connection,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { WorkspaceIndex } from './checks/types.js';
import { editCapabilities, quickFixes, type EditCapabilities } from './features/codeActions.js';
import { collectFiles, stripBom } from './features/fileCollection.js';
import { packageVersion, useBundledSchemas } from './features/runtimePaths.js';
import { defaultSettings, parseSettings, sameCrdPaths, SETTINGS_SECTION, type ServerSettings } from './features/settings.js';
import { DocumentValidator, isYamlDocument } from './features/validation.js';
import { buildWorkspaceIndex } from './features/workspaceIndex.js';
import { mayDefineCrd, WorkspaceFiles } from './features/workspaceFiles.js';
import { isYamlPath } from './features/yamlFiles.js';

/** Bounds of the workspace scan: an editor must stay responsive in a monorepo. */
const SCAN_MAX_FILES = 5000;
const SCAN_MAX_FILE_BYTES = 5 * 1024 * 1024;
/** CRD edits re-index and then re-check every open file, so they wait for a typing pause. */
const INDEX_REBUILD_DELAY_MS = 300;

/** What the VS Code client passes; other clients may pass nothing. */
interface InitializationOptions {
  /** false in an untrusted workspace: no workspace scan, crdPaths ignored. */
  trusted?: boolean;
  /** Settings for clients without workspace/configuration. */
  settings?: unknown;
}

export function startServer(): Connection {
  useBundledSchemas();
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  const workspaceFiles = new WorkspaceFiles();

  let clientCapabilities: ClientCapabilities = {};
  let editCaps: EditCapabilities = { documentChanges: false, createFiles: false };
  let trusted = true;
  let folders: string[] = [];
  let settings: ServerSettings = defaultSettings();
  let index: WorkspaceIndex = buildWorkspaceIndex([]);
  let rebuildTimer: NodeJS.Timeout | undefined;

  const log = (message: string) => connection.console.log(message);
  const logError = (what: string, err: unknown) =>
    connection.console.error(`kube-cel-guard: ${what} failed: ${(err as Error)?.stack ?? String(err)}`);

  const validator = new DocumentValidator(
    {
      document: (uri) => documents.get(uri),
      publish: (uri, version, diagnostics) => {
        connection.sendDiagnostics({ uri, version, diagnostics }).catch((err) => logError('publishing diagnostics', err));
      },
      log,
    },
    settings.engine,
    index,
  );

  /** Workspace refreshes (settings, scans) run one after another so a slow scan never lands late. */
  let queue: Promise<void> = Promise.resolve();
  const serially = (what: string, task: () => Promise<void>) => {
    queue = queue.then(task).catch((err) => logError(what, err));
  };

  const canPullConfiguration = () => clientCapabilities.workspace?.configuration === true;

  async function loadSettings(pushed?: unknown): Promise<ServerSettings> {
    if (canPullConfiguration()) {
      return parseSettings(await connection.workspace.getConfiguration(SETTINGS_SECTION));
    }
    return parseSettings(pushed);
  }

  /** crdPaths as absolute paths: relative ones are tried against every workspace folder. */
  function resolvedCrdPaths(): string[] {
    if (!trusted) return [];
    const out: string[] = [];
    for (const p of settings.crdPaths) {
      if (isAbsolute(p)) out.push(p);
      else for (const folder of folders) out.push(join(folder, p));
    }
    return out;
  }

  async function scanDisk(): Promise<void> {
    if (!trusted) {
      workspaceFiles.replaceDisk([]);
      return;
    }
    const crdPaths = resolvedCrdPaths();
    // crdPaths first: the user named them, so they must not be cut off by the file bound.
    const scan = await collectFiles([...crdPaths, ...folders], { maxFiles: SCAN_MAX_FILES, maxFileBytes: SCAN_MAX_FILE_BYTES });
    for (const e of scan.errors) {
      // A relative crdPath exists in one folder only; its misses elsewhere are expected.
      if (!e.endsWith('no such file or directory')) log(`kube-cel-guard: cannot read ${e}`);
    }
    if (scan.skipped.length > 0) log(`kube-cel-guard: skipped ${scan.skipped.length} YAML file(s) over 5 MB`);
    if (scan.truncated) log(`kube-cel-guard: workspace scan stopped at ${SCAN_MAX_FILES} files`);
    workspaceFiles.replaceDisk(scan.files);
  }

  function rebuildIndex(): void {
    clearTimeout(rebuildTimer);
    rebuildTimer = undefined;
    try {
      index = buildWorkspaceIndex(workspaceFiles.files());
    } catch (err) {
      logError('building the workspace index', err);
    }
    validator.reconfigure(settings.engine, index);
  }

  function scheduleIndexRebuild(): void {
    clearTimeout(rebuildTimer);
    rebuildTimer = setTimeout(() => serially('re-indexing the workspace', async () => rebuildIndex()), INDEX_REBUILD_DELAY_MS);
  }

  /** Index key of an open document: its file path, or the URI for untitled documents. */
  function documentKey(uri: string): string {
    try {
      return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
    } catch {
      return uri;
    }
  }

  function guard<P extends unknown[], R>(what: string, fallback: R, handler: (...args: P) => R): (...args: P) => R {
    return (...args: P) => {
      try {
        return handler(...args);
      } catch (err) {
        logError(what, err);
        return fallback;
      }
    };
  }

  connection.onInitialize(
    guard('initialize', { capabilities: {} } as InitializeResult, (params) => {
      clientCapabilities = params.capabilities ?? {};
      editCaps = editCapabilities(clientCapabilities);
      const init = (params.initializationOptions ?? {}) as InitializationOptions;
      trusted = init.trusted !== false;
      if (!canPullConfiguration()) settings = parseSettings(init.settings);
      folders = folderPaths(params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []));
      const result: InitializeResult = {
        capabilities: {
          textDocumentSync: TextDocumentSyncKind.Incremental,
          codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        },
        serverInfo: { name: 'kube-cel-guard', version: packageVersion() },
      };
      if (clientCapabilities.workspace?.workspaceFolders) {
        result.capabilities.workspace = { workspaceFolders: { supported: true, changeNotifications: true } };
      }
      return result;
    }),
  );

  connection.onInitialized(
    guard('initialized', undefined, () => {
      if (canPullConfiguration() && clientCapabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
        connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch((err) => logError('registering for settings', err));
      }
      if (clientCapabilities.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders(
          guard('workspace folder change', undefined, (event) => {
            const removed = new Set(folderPaths(event.removed));
            folders = [...folders.filter((f) => !removed.has(f)), ...folderPaths(event.added)];
            serially('rescanning the workspace', async () => {
              await scanDisk();
              rebuildIndex();
            });
          }),
        );
      }
      serially('starting up', async () => {
        // Clients without workspace/configuration gave their settings in initializationOptions.
        if (canPullConfiguration()) {
          try {
            settings = await loadSettings();
          } catch (err) {
            logError('reading settings', err);
          }
        }
        await scanDisk();
        rebuildIndex();
        validator.start();
      });
    }),
  );

  connection.onDidChangeConfiguration(
    guard('settings change', undefined, (change) => {
      serially('applying settings', async () => {
        const pushed = (change.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
        const next = await loadSettings(pushed);
        const rescan = !sameCrdPaths(settings, next);
        settings = next;
        if (rescan) {
          await scanDisk();
          rebuildIndex();
        } else {
          validator.reconfigure(settings.engine, index);
        }
      });
    }),
  );

  documents.onDidChangeContent(
    guard('document change', undefined, ({ document }) => {
      if (!isYamlDocument(document)) return;
      validator.schedule(document.uri);
      const key = documentKey(document.uri);
      const text = document.getText();
      if (mayDefineCrd(text)) {
        workspaceFiles.setOpen(key, text);
        scheduleIndexRebuild();
      } else if (workspaceFiles.closeOpen(key)) {
        // It stopped being a CRD (or was cut mid-edit): its schema must go.
        scheduleIndexRebuild();
      }
    }),
  );

  documents.onDidClose(
    guard('document close', undefined, ({ document }) => {
      validator.forget(document.uri);
      // The disk version (if any) takes over again.
      if (workspaceFiles.closeOpen(documentKey(document.uri))) scheduleIndexRebuild();
    }),
  );

  connection.onDidChangeWatchedFiles(
    guard('file change', undefined, ({ changes }) => {
      if (!trusted) return;
      serially('reading changed files', async () => {
        let relevant = false;
        for (const change of changes) {
          if (!change.uri.startsWith('file:')) continue;
          const path = fileURLToPath(change.uri);
          if (change.type === FileChangeType.Deleted) {
            relevant = workspaceFiles.deleteDisk(path).some(mayDefineCrd) || relevant;
            continue;
          }
          if (!isYamlPath(path)) continue;
          const text = await readSmallFile(path);
          const before = workspaceFiles.diskText(path);
          if (text === undefined) continue;
          workspaceFiles.setDisk(path, text);
          if (mayDefineCrd(text) || (before !== undefined && mayDefineCrd(before))) relevant = true;
        }
        if (relevant) scheduleIndexRebuild();
      });
    }),
  );

  connection.onCodeAction(
    guard('code actions', [] as CodeAction[], (params) => {
      const only = params.context.only;
      if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
      const document = documents.get(params.textDocument.uri);
      // Fix offsets belong to the text that was checked; after an edit they wait for the next run.
      if (!document || validator.publishedVersion(document.uri) !== document.version) return [];
      return quickFixes(document, params.context.diagnostics, editCaps);
    }),
  );

  documents.listen(connection);
  connection.listen();
  return connection;
}

function folderPaths(folders: readonly WorkspaceFolder[]): string[] {
  const out: string[] = [];
  for (const f of folders) {
    // Only local folders can be scanned; virtual workspaces get open-file checking only.
    if (!f.uri.startsWith('file:')) continue;
    try {
      out.push(fileURLToPath(f.uri));
    } catch {
      // A malformed URI from the client: skip that folder.
    }
  }
  return out;
}

async function readSmallFile(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > SCAN_MAX_FILE_BYTES) return undefined;
    return stripBom(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}
