/**
 * LSP wiring: carries requests to the engine and results back. Works over --stdio and --node-ipc
 * (createConnection reads the transport from the command line).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type CodeAction,
  type Location,
  type Connection,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { editCapabilities, kindRequested, quickFixes, refactorActions, type EditCapabilities } from './features/codeActions.js';
import { packageVersion, useBundledSchemas } from './features/runtimePaths.js';
import { defaultSettings, parseSettings, sameCluster, sameCrdPaths, SETTINGS_SECTION, type ServerSettings } from './features/settings.js';
import { ClusterSchemas, versionNote } from './schemas/cluster/loader.js';
import type { EngineOptions } from './engine/options.js';
import { DocumentValidator, isYamlDocument } from './features/validation.js';
import { WorkspaceIndexer } from './features/workspaceIndexer.js';
import { definitionLocations, referenceLocations } from './features/definitions.js';
import { lspHover } from './features/hover.js';
import { COMPLETION_TRIGGERS, lspCompletion } from './features/completion.js';
import { lspSemanticTokens, SEMANTIC_TOKENS_LEGEND } from './features/semanticTokens.js';

/** workspace/executeCommand: re-read the cluster's schemas (VS Code shows it in the command palette). */
export const REFRESH_CLUSTER_COMMAND = 'kubeCelGuard.refreshClusterSchemas';

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

  let clientCapabilities: ClientCapabilities = {};
  let editCaps: EditCapabilities = { documentChanges: false, createFiles: false };
  let trusted = true;
  let folders: string[] = [];
  let settings: ServerSettings = defaultSettings();

  const log = (message: string) => connection.console.log(message);
  const logError = (what: string, err: unknown) =>
    connection.console.error(`kube-cel-guard: ${what} failed: ${(err as Error)?.stack ?? String(err)}`);

  /** Schemas from the cluster: only while kubeCelGuard.cluster.enabled is on in a trusted workspace. */
  let cluster: ClusterSchemas | undefined;
  let lastVersionNote: string | undefined;
  /** What the engine works with: the settings, plus what the cluster has served so far. */
  const engineOptions = (): EngineOptions => (cluster ? { ...settings.engine, cluster: cluster.snapshot } : settings.engine);
  const showMessage = (type: MessageType, message: string) =>
    connection.sendNotification(ShowMessageNotification.type, { type, message }).catch((err) => logError('showing a message', err));

  // indexChanged is only ever called asynchronously, after `validator` below is initialised.
  const indexer = new WorkspaceIndexer({
    log,
    indexChanged: (index, crdsChanged) =>
      crdsChanged ? validator.reconfigure(engineOptions(), index) : validator.policiesChanged(index),
  });

  const validator = new DocumentValidator(
    {
      document: (uri) => documents.get(uri),
      publish: (uri, version, diagnostics) =>
        connection.sendDiagnostics({ uri, version, diagnostics }).catch((err) => logError('publishing diagnostics', err)),
      checked: (uri, text) => indexer.documentChecked(documentKey(uri), text),
      log,
    },
    settings.engine,
    indexer.index,
  );

  /** Settings loads and scans run one after another, so a slow scan never lands after a newer one. */
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

  const rescan = () => indexer.rescan({ trusted, folders, crdPaths: trusted ? settings.crdPaths : [] });

  /** Tells the user, once per difference, that the cluster's minor is not kubernetesVersion. */
  function noteClusterVersion(): void {
    const note = cluster?.state === 'ready' ? versionNote(cluster.version, settings.engine.kubernetesVersion, 'kubeCelGuard.kubernetesVersion') : undefined;
    if (note && note !== lastVersionNote) {
      log(`kube-cel-guard: ${note}`);
      showMessage(MessageType.Info, `kube-cel-guard: ${note}`);
    }
    lastVersionNote = note;
  }

  /**
   * Starts, restarts or stops reading schemas from the cluster to match the settings. Off unless
   * the user turned it on, and always off in an untrusted workspace (like crdPaths): nothing
   * reaches the network and no kubeconfig exec plugin runs otherwise. Returns whether it changed.
   */
  function applyClusterSettings(previous: ServerSettings | undefined): boolean {
    const wanted = trusted && settings.cluster.enabled;
    if (previous && sameCluster(previous.cluster, settings.cluster) && wanted === (cluster !== undefined)) return false;
    cluster?.dispose();
    cluster = undefined;
    lastVersionNote = undefined;
    if (!wanted) {
      if (settings.cluster.enabled) log('kube-cel-guard: untrusted workspace: kubeCelGuard.cluster.enabled ignored (bundled schemas only)');
      return previous !== undefined;
    }
    const instance = new ClusterSchemas(
      { kubeconfig: settings.cluster.kubeconfig, context: settings.cluster.context },
      {
        log,
        changed: () => {
          if (cluster === instance) validator.reconfigure(engineOptions(), indexer.index);
        },
        failed: (message) => {
          if (cluster === instance) showMessage(MessageType.Warning, `kube-cel-guard: ${message}`);
        },
        connected: () => {
          if (cluster === instance) noteClusterVersion();
        },
      },
    );
    cluster = instance;
    void instance.start();
    return true;
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
          codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
          definitionProvider: true,
          referencesProvider: true,
          hoverProvider: true,
          completionProvider: { triggerCharacters: COMPLETION_TRIGGERS },
          semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
          executeCommandProvider: { commands: [REFRESH_CLUSTER_COMMAND] },
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
            serially('rescanning the workspace', rescan);
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
        applyClusterSettings(undefined);
        try {
          await rescan();
        } finally {
          validator.start();
        }
      });
    }),
  );

  connection.onDidChangeConfiguration(
    guard('settings change', undefined, (change) => {
      serially('applying settings', async () => {
        const pushed = (change.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
        const next = await loadSettings(pushed);
        const crdPathsChanged = !sameCrdPaths(settings, next);
        const previous = settings;
        settings = next;
        applyClusterSettings(previous);
        if (crdPathsChanged) await rescan();
        else validator.reconfigure(engineOptions(), indexer.index);
        noteClusterVersion();
      });
    }),
  );

  documents.onDidChangeContent(
    guard('document change', undefined, ({ document }) => {
      if (!isYamlDocument(document)) return;
      validator.schedule(document.uri);
      indexer.documentChanged(documentKey(document.uri), document.getText());
    }),
  );

  documents.onDidClose(
    guard('document close', undefined, ({ document }) => {
      validator.forget(document.uri);
      indexer.documentClosed(documentKey(document.uri));
    }),
  );

  connection.onDidChangeWatchedFiles(
    guard('file change', undefined, ({ changes }) => serially('reading changed files', () => indexer.filesChanged(changes))),
  );

  /** A workspace file's text for go to definition: the open editor's, else the file on disk. */
  function fileText(path: string): string | undefined {
    const open = documents.all().find((d) => documentKey(d.uri) === path);
    if (open) return open.getText();
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }

  connection.onDefinition(
    guard('go to definition', [] as Location[], (params) => {
      const document = documents.get(params.textDocument.uri);
      if (!document || !isYamlDocument(document)) return [];
      return definitionLocations(document, params.position, { options: engineOptions(), workspace: indexer.index, textOf: fileText });
    }),
  );

  connection.onReferences(
    guard('find references', [] as Location[], (params) => {
      const document = documents.get(params.textDocument.uri);
      if (!document || !isYamlDocument(document)) return [];
      return referenceLocations(document, params.position, params.context.includeDeclaration, engineOptions());
    }),
  );

  connection.onCodeAction(
    guard('code actions', [] as CodeAction[], (params) => {
      const only = params.context.only;
      const document = documents.get(params.textDocument.uri);
      if (!document) return [];
      const actions: CodeAction[] = [];
      // Fix offsets belong to the text that was checked; after an edit they wait for the next run.
      if ((!only || only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) && validator.publishedVersion(document.uri) === document.version) {
        actions.push(...quickFixes(document, params.context.diagnostics, editCaps, validator.published(document.uri)));
      }
      if (kindRequested(only, CodeActionKind.RefactorRewrite) && isYamlDocument(document)) {
        actions.push(...refactorActions(document, params.range, editCaps, engineOptions(), indexer.index));
      }
      return actions;
    }),
  );

  // Editor intelligence: the engine answers from the current text, options and workspace index.
  connection.onHover(
    guard('hover', null, (params) => {
      const document = documents.get(params.textDocument.uri);
      return document && isYamlDocument(document) ? lspHover(document, params.position, engineOptions(), indexer.index) : null;
    }),
  );

  connection.onCompletion(
    guard('completion', [], (params) => {
      const document = documents.get(params.textDocument.uri);
      return document && isYamlDocument(document) ? lspCompletion(document, params.position, engineOptions(), indexer.index) : [];
    }),
  );

  connection.languages.semanticTokens.on(
    guard('semantic tokens', { data: [] }, (params) => {
      const document = documents.get(params.textDocument.uri);
      return document && isYamlDocument(document) ? lspSemanticTokens(document, engineOptions(), indexer.index) : { data: [] };
    }),
  );

  connection.onExecuteCommand(async (params) => {
    if (params.command !== REFRESH_CLUSTER_COMMAND) return null;
    try {
      if (!cluster) {
        const why = settings.cluster.enabled ? 'the workspace is not trusted' : 'kubeCelGuard.cluster.enabled is off';
        log(`kube-cel-guard: no cluster schemas to refresh: ${why}`);
        showMessage(MessageType.Info, `kube-cel-guard: no cluster schemas to refresh: ${why}`);
        return null;
      }
      await cluster.refresh();
      noteClusterVersion();
    } catch (err) {
      logError('refreshing the cluster schemas', err);
    }
    return null;
  });

  connection.onShutdown(() => {
    cluster?.dispose();
    cluster = undefined;
  });

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
