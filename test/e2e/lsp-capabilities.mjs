// Which LSP features a kube-cel-guard language server offers, asked the way an editor asks: an
// `initialize` request over stdio. Used to tell "feature not in this build" (skip) from "feature
// broken" (fail) in the end-to-end suites.
import { spawn } from 'node:child_process';

/** Asks the installed extension's language server what it offers (LSP initialize over stdio). */
export function serverCapabilities(serverModule) {
  return new Promise((resolveCaps, reject) => {
    // ELECTRON_RUN_AS_NODE: inside VS Code's extension host process.execPath is Electron.
    const child = spawn(process.execPath, [serverModule, '--stdio'], {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('language server did not answer initialize within 20s'));
    }, 20_000);
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { trusted: false } },
    });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let buf = Buffer.alloc(0);
    child.stdout.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const sep = buf.indexOf('\r\n\r\n');
        if (sep < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, sep).toString())?.[1]);
        if (buf.length < sep + 4 + len) return;
        const msg = JSON.parse(buf.subarray(sep + 4, sep + 4 + len).toString());
        buf = buf.subarray(sep + 4 + len);
        if (msg.id === 1) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          if (msg.error) reject(new Error(`initialize failed: ${msg.error.message}`));
          else resolveCaps(msg.result.capabilities ?? {});
          return;
        }
      }
    });
    child.on('error', reject);
  });
}
