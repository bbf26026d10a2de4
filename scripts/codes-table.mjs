// Prints the finding-code table (every code the checks register) as Markdown; with --write,
// replaces the table between the codes-table markers in README.md. Run after `npm run build`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = (p) => pathToFileURL(path.join(root, 'out', p)).href;

export async function codesTable() {
  await import(out('server/src/checks/index.js'));
  const { allCodes } = await import(out('server/src/engine/codes.js'));
  const rows = allCodes().map((c) => `| ${c.code} | ${c.name} | ${c.defaultSeverity} | ${c.title.replace(/\|/g, '\\|')} |`);
  return ['| code | name | default severity | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

export function withTable(readme, table) {
  return readme.replace(/(<!-- codes-table:start -->\n)[\s\S]*?(<!-- codes-table:end -->)/, `$1${table}\n$2`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const table = await codesTable();
  if (process.argv.includes('--write')) {
    const file = path.join(root, 'README.md');
    fs.writeFileSync(file, withTable(fs.readFileSync(file, 'utf8'), table));
  } else {
    console.log(table);
  }
}
