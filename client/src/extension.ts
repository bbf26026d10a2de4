/**
 * Starts the kube-cel-guard language server (dist/server.cjs over Node IPC) for YAML files.
 * Everything else — checking, settings handling, fixes — happens in the server.
 */
import * as vscode from 'vscode';
import { serverNodeFlags } from '../../server/src/features/nodeFlags.js';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath('dist/server.cjs');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: serverNodeFlags() } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...serverNodeFlags(), '--nolazy', '--inspect=6009'] } },
  };

  const outputChannel = vscode.window.createOutputChannel('kube-cel-guard', { log: true });
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}');
  context.subscriptions.push(outputChannel, watcher);

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: { configurationSection: 'kubeCelGuard', fileEvents: watcher },
    outputChannel,
    // A function, so a restart after the user trusts the workspace tells the server.
    // Untrusted: the server checks open files only (no workspace scan, crdPaths ignored, and
    // never a cluster: kubeCelGuard.cluster.* are ignored). The server declares the
    // kubeCelGuard.refreshClusterSchemas command; the client registers it from its capabilities.
    initializationOptions: () => ({ trusted: vscode.workspace.isTrusted }),
  };

  // The id matches the settings prefix, so `kubeCelGuard.trace.server` controls tracing.
  client = new LanguageClient('kubeCelGuard', 'kube-cel-guard', serverOptions, clientOptions);

  const restart = () => client?.restart().catch((err) => outputChannel.error(`restart failed: ${err}`));
  context.subscriptions.push(
    vscode.commands.registerCommand('kubeCelGuard.restartServer', restart),
    vscode.workspace.onDidGrantWorkspaceTrust(restart),
  );

  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
