#!/usr/bin/env node
/**
 * Where the time goes: runs kube-cel-guard's engine in-process on the 1,000-policy file with
 * timings per phase, CPU-profiles the engine and the LSP server, and writes the findings into the
 * "Where the time goes" section of bench/RESULTS.md (between <!-- profile:start/end --> markers).
 *
 *   npm run build && node bench/profile.mjs [--n=1000] [--results=bench/RESULTS.md] [--keep]
 *
 * Three fresh child processes, so every "cold" number really is cold:
 *   1. phases  — imports the engine from out/ (import time), then one pass over the file split into
 *                splitDocuments / parseChunk (yaml) / each check of ALL_CHECKS, cold and again warm;
 *   2. engine  — `new FileAnalyzer({kubernetesVersion: '1.35'}).analyze(text)` cold, warm (new
 *                analyzer), and re-analyze after one-character edits (cached analyzer) — the engine's
 *                share of the LSP numbers; run under `node --cpu-prof`;
 *   3. server  — `node --cpu-prof dist/server.cjs --stdio` driven by bench/lsp-client.mjs: didOpen of
 *                the file → first diagnostics, a few edits, shutdown/exit (the profile is written at exit).
 * The .cpuprofile files are aggregated by self time per function+file (bundle positions mapped back
 * to sources through dist/server.cjs.map) and per area (package or source folder).
 *
 * By hand: `node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.mjs --child=engine --file=F`
 * and open the .cpuprofile in Chrome DevTools (Performance → Load profile) or VS Code; or
 * `node bench/profile.mjs --summarize=/tmp/prof/X.cpuprofile` for the text summary.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { SourceMap } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');
const outSrc = path.join(repoRoot, 'out', 'server', 'src');
const { serverNodeFlags } = await import(pathToFileURL(path.join(outSrc, 'features', 'nodeFlags.js')).href);

const opts = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${a}`);
    return [m[1], m[2] ?? true];
  }),
);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const EDITS = 7;

/** The text after k one-character edits of the digit the benchmark edits (same as run.mjs). */
function editedTexts(text, editAt, count) {
  const lines = text.split('\n');
  const out = [];
  let digit = Number(editAt.original);
  for (let k = 0; k < count; k++) {
    digit = (digit + 1) % 10;
    const l = lines[editAt.line];
    lines[editAt.line] = l.slice(0, editAt.character) + digit + l.slice(editAt.character + 1);
    out.push(lines.join('\n'));
  }
  return out;
}

// ------------------------------------------------------------------------------ child: phases

async function childPhases(file) {
  const text = fs.readFileSync(file, 'utf8');
  const t0 = performance.now();
  const { splitDocuments, parseChunk } = await import(pathToFileURL(path.join(outSrc, 'engine', 'documents.js')).href);
  const { ALL_CHECKS } = await import(pathToFileURL(path.join(outSrc, 'checks', 'index.js')).href);
  const { EMPTY_WORKSPACE } = await import(pathToFileURL(path.join(outSrc, 'engine', 'analyze.js')).href);
  const importMs = performance.now() - t0;
  const options = { kubernetesVersion: '1.35' };

  const pass = () => {
    const t = { split: 0, parse: 0, checks: Object.fromEntries(ALL_CHECKS.map((c) => [c.name, 0])), findings: 0, documents: 0 };
    let s = performance.now();
    const chunks = splitDocuments(text);
    t.split = performance.now() - s;
    for (const chunk of chunks) {
      s = performance.now();
      const input = parseChunk(chunk);
      t.parse += performance.now() - s;
      t.documents++;
      const ctx = { ...input, options, workspace: EMPTY_WORKSPACE, report: () => t.findings++ };
      for (const check of ALL_CHECKS) {
        s = performance.now();
        try {
          if (check.appliesTo(input)) check.run(ctx);
        } catch {
          // The engine reports these as internal errors; irrelevant for timing.
        }
        t.checks[check.name] += performance.now() - s;
      }
    }
    return t;
  };
  const cold = pass();
  const warm = pass();
  return { importMs, cold, warm };
}

// ------------------------------------------------------------------------------ child: engine

async function childEngine(file, metaFile) {
  const text = fs.readFileSync(file, 'utf8');
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
  const t0 = performance.now();
  const { FileAnalyzer } = await import(pathToFileURL(path.join(outSrc, 'engine', 'analyze.js')).href);
  const importMs = performance.now() - t0;
  let s = performance.now();
  const analyzer = new FileAnalyzer({ kubernetesVersion: '1.35' });
  const findings = analyzer.analyze(text);
  const coldMs = performance.now() - s;
  s = performance.now();
  new FileAnalyzer({ kubernetesVersion: '1.35' }).analyze(text);
  const warmMs = performance.now() - s;
  const edits = [];
  for (const edited of editedTexts(text, meta.editAt, EDITS)) {
    s = performance.now();
    analyzer.analyze(edited);
    edits.push(performance.now() - s);
  }
  return { importMs, coldMs, warmMs, edits, findings: findings.length };
}

// ------------------------------------------------------------------------------ profiles

const mapCache = new Map();
/** Source position of a generated (bundle) position, via the bundle's .map file, if any. */
function originalPosition(file, line, column) {
  if (!mapCache.has(file)) {
    let map = null;
    try {
      map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
    } catch {
      // No source map: keep bundle positions.
    }
    mapCache.set(file, map);
  }
  const map = mapCache.get(file);
  if (!map) return undefined;
  const entry = map.findEntry(line, column);
  if (!entry?.originalSource) return undefined;
  let source = entry.originalSource;
  // Relative sources are relative to the repository's dist/ (also for a snapshot copy of the bundle).
  if (source.startsWith('file://')) source = fileURLToPath(source);
  else source = path.resolve(repoRoot, 'dist', source);
  return { source, line: entry.originalLine };
}

function displayPath(p) {
  if (!p) return '';
  if (p.startsWith('file://')) p = fileURLToPath(p);
  if (p.startsWith(repoRoot + path.sep)) return path.relative(repoRoot, p);
  return p;
}

/** Package or source folder of a file, for the per-area totals. */
function areaOf(file) {
  if (!file) return '(runtime)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (nm) return nm[1];
  if (file.startsWith('node:')) return 'node internals';
  if (/(^|\/)dist\/server\.cjs$/.test(file)) return 'dist/server.cjs (unmapped)';
  const m = /^(?:out\/)?(server\/src\/.*)$/.exec(file);
  if (m) return path.dirname(m[1]);
  return file;
}

/** Self time per function+file and per area from a .cpuprofile. */
export function summarizeProfile(profilePath, top = 20, windows) {
  const profile = JSON.parse(fs.readFileSync(profilePath, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const { samples, timeDeltas } = profile;
  // Sample timestamps are CLOCK_MONOTONIC µs, like lsp-client's windows ([from, to] pairs).
  let ts = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    ts += timeDeltas[i];
    if (windows && !windows.some(([from, to]) => ts >= from && ts <= to)) continue;
    const dt = (timeDeltas[i + 1] ?? 0) / 1000; // µs → ms; sample i lasts until sample i+1
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  const byFn = new Map();
  const byArea = new Map();
  let total = 0;
  for (const [id, t] of self) {
    const { callFrame } = byId.get(id);
    let file = displayPath(callFrame.url);
    let line = callFrame.lineNumber + 1;
    if (callFrame.url && /(^|\/)dist\/server\.cjs$/.test(file) && fs.existsSync(`${path.resolve(repoRoot, file)}.map`)) {
      const orig = originalPosition(path.resolve(repoRoot, file), callFrame.lineNumber, callFrame.columnNumber);
      if (orig) {
        file = displayPath(orig.source);
        line = orig.line + 1;
      }
    }
    const name = callFrame.functionName || (callFrame.url ? '(anonymous)' : callFrame.functionName);
    const key = callFrame.url ? `${name} — ${file}:${line}` : name || '(unknown)';
    byFn.set(key, (byFn.get(key) ?? 0) + t);
    const area = callFrame.url ? areaOf(file) : name === '(garbage collector)' ? '(garbage collector)' : name === '(idle)' ? '(idle)' : '(runtime)';
    byArea.set(area, (byArea.get(area) ?? 0) + t);
    total += t;
  }
  const sort = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { total, functions: sort(byFn).slice(0, top), areas: sort(byArea).slice(0, 12) };
}

function profileMarkdown(title, summary) {
  const idle = summary.areas.find(([a]) => a === '(idle)')?.[1] ?? 0;
  const busy = summary.total - idle;
  const pct = (t) => `${((100 * t) / busy).toFixed(1)}%`;
  return [
    `#### ${title}`,
    '',
    `${ms(busy)} of non-idle samples (${ms(idle)} idle).`,
    '',
    '| area (package or source folder) | self time | share |',
    '| --- | --- | --- |',
    ...summary.areas.filter(([a]) => a !== '(idle)').map(([a, t]) => `| ${a} | ${ms(t)} | ${pct(t)} |`),
    '',
    '| top self-time functions | self time | share |',
    '| --- | --- | --- |',
    ...summary.functions.filter(([f]) => f !== '(idle)').map(([f, t]) => `| ${f.replace(/\|/g, '\\|')} | ${ms(t)} | ${pct(t)} |`),
    '',
  ];
}

// ------------------------------------------------------------------------------ parent

function runChild(args, { cpuProfDir } = {}) {
  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  for (let attempt = 1; ; attempt++) {
    const p = spawnSync(process.execPath, [...nodeArgs, fileURLToPath(import.meta.url), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 240000, maxBuffer: 1 << 26 });
    if (p.status === 0) return JSON.parse(p.stdout.trim().split('\n').at(-1));
    // out/ half rewritten by a build that is running right now: wait for it and try again.
    const midBuild = /SyntaxError: The requested module|ERR_MODULE_NOT_FOUND|Cannot find module/.test(p.stderr);
    if (!midBuild || attempt >= 4) throw new Error(`child ${args.join(' ')} failed (${p.status ?? p.signal}): ${p.stderr.slice(-3000)}`);
    console.log(`out/ looks mid-build (${p.stderr.match(/SyntaxError[^\n]*|ERR_MODULE_NOT_FOUND[^\n]*|Cannot find module[^\n]*/)?.[0]}); retrying in 30 s`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30000);
  }
}

function newestProfile(dir) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) throw new Error(`no .cpuprofile in ${dir}`);
  return path.join(dir, files.sort((a, b) => fs.statSync(path.join(dir, b)).mtimeMs - fs.statSync(path.join(dir, a)).mtimeMs)[0]);
}

async function profileServer(file, meta, dir) {
  const { LspServer } = await import('./lsp-client.mjs');
  const server = await LspServer.start({
    name: 'kube-cel-guard (profiled)',
    command: process.execPath,
    args: [...serverNodeFlags(), '--cpu-prof', `--cpu-prof-dir=${dir}`, path.resolve(opts.server ?? path.join(repoRoot, 'dist', 'server.cjs')), '--stdio'],
    cwd: repoRoot,
    configuration: (section) => (section === 'kubeCelGuard' ? { kubernetesVersion: '1.35' } : null),
  });
  const uri = pathToFileURL(file).href;
  const text = fs.readFileSync(file, 'utf8');
  let first;
  let openWindow;
  const edits = [];
  const editWindows = [];
  try {
    const opened = await server.openAndWait(uri, text);
    first = opened.ms;
    openWindow = opened.window;
    await server.quiet(400);
    const { line, character } = meta.editAt;
    let digit = Number(meta.editAt.original);
    for (let k = 0; k < EDITS; k++) {
      digit = (digit + 1) % 10;
      const r = await server.changeAndWait(uri, { start: { line, character }, end: { line, character: character + 1 } }, String(digit));
      edits.push(r.ms);
      editWindows.push(r.window);
      await server.quiet(300);
    }
  } finally {
    await server.stop(15000); // shutdown + exit: the profile is written as the process exits
  }
  return { first, edits, openWindow, editWindows, profile: newestProfile(dir) };
}

async function parent() {
  // Children inherit the priority (see run.mjs --priority); a busy machine makes numbers noisy.
  try {
    if (Number(opts.priority ?? -10) !== 0) os.setPriority(0, Number(opts.priority ?? -10));
  } catch {
    // Not permitted: normal priority.
  }
  const n = Number(opts.n ?? 1000);
  const results = path.resolve(opts.results ?? path.join(benchDir, 'RESULTS.md'));
  for (const f of [path.join(outSrc, 'engine', 'analyze.js'), path.join(repoRoot, 'dist', 'server.cjs')]) {
    if (!fs.existsSync(f)) {
      console.error(`bench/profile.mjs: ${path.relative(repoRoot, f)} missing: run \`npm run build\` first`);
      process.exit(2);
    }
  }
  const { writeFiles, defaultOutDir } = await import('./generate.mjs');
  const dataDir = defaultOutDir();
  const [{ file, meta }] = writeFiles(dataDir, [n]);
  const metaFile = file.replace(/\.yaml$/, '.json');
  const profRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-cel-guard-prof-'));
  const engineDir = path.join(profRoot, 'engine');
  const serverDir = path.join(profRoot, 'server');
  fs.mkdirSync(engineDir);
  fs.mkdirSync(serverDir);

  console.log(`profiling on ${file} (${meta.policies} policies, ${meta.lines} lines, ${meta.expressions} expressions)`);
  let phases, engine, engineProfile, server;
  try {
    phases = runChild(['--child=phases', `--file=${file}`]);
    engine = runChild(['--child=engine', `--file=${file}`, `--meta=${metaFile}`]);
    runChild(['--child=engine', `--file=${file}`, `--meta=${metaFile}`], { cpuProfDir: engineDir });
    engineProfile = summarizeProfile(newestProfile(engineDir));
    server = await profileServer(file, meta, serverDir);
  } catch (err) {
    if (!opts.keep) fs.rmSync(profRoot, { recursive: true, force: true });
    throw err;
  }
  const serverProfile = summarizeProfile(server.profile);
  const openProfile = summarizeProfile(server.profile, 20, [server.openWindow]);
  const editProfile = summarizeProfile(server.profile, 12, server.editWindows);

  const phaseRows = (label, t) => {
    const checks = Object.entries(t.checks);
    const total = t.split + t.parse + checks.reduce((a, [, v]) => a + v, 0);
    return [
      `| ${label} | ${ms(total)} | ${ms(t.split)} | ${ms(t.parse)} | ${checks.map(([c, v]) => `${c} ${ms(v)}`).join('<br>')} | ${t.findings} |`,
    ];
  };

  const section = [
    '<!-- profile:start -->',
    '## Where the time goes',
    '',
    `Generated by bench/profile.mjs on ${new Date().toISOString()} (node ${process.version}), ${meta.policies}-policy file (${meta.lines.toLocaleString('en')} lines, ${meta.expressions.toLocaleString('en')} CEL expressions). Each part runs in a fresh process.`,
    '',
    '### Engine phases (in-process, `out/server/src/engine`)',
    '',
    `Importing the engine (documents + checks): ${ms(phases.importMs)}.`,
    '',
    '| pass | total | splitDocuments | parseChunk (yaml) | checks (ALL_CHECKS, appliesTo + run) | findings |',
    '| --- | --- | --- | --- | --- | --- |',
    ...phaseRows('cold (first pass in the process)', phases.cold),
    ...phaseRows('warm (second pass)', phases.warm),
    '',
    `\`new FileAnalyzer({kubernetesVersion: '1.35'}).analyze(text)\`: import ${ms(engine.importMs)}, cold ${ms(engine.coldMs)}, warm (new analyzer) ${ms(engine.warmMs)}, ` +
      `re-analyze after a one-character edit (cached analyzer) median ${ms(median(engine.edits))} (${engine.edits.map((x) => x.toFixed(1)).join(', ')} ms); ${engine.findings} finding(s).`,
    '',
    `LSP server under --cpu-prof (slower than unprofiled): didOpen → first diagnostics ${ms(server.first)}, edit → diagnostics median ${ms(median(server.edits))} (includes the 150 ms debounce).`,
    '',
    '### CPU profiles (self time)',
    '',
    ...profileMarkdown(`Engine: import + cold analyze + warm analyze + ${EDITS} edits (\`node --cpu-prof bench/profile.mjs --child=engine\`)`, engineProfile),
    ...profileMarkdown(`LSP server, whole run: startup, didOpen → first diagnostics, ${EDITS} edits (\`node --cpu-prof dist/server.cjs --stdio\`, positions mapped through dist/server.cjs.map)`, serverProfile),
    ...profileMarkdown(`LSP server, only didOpen → first diagnostics (${ms(server.first)} wall-clock; idle time is the debounce)`, openProfile),
    ...profileMarkdown(`LSP server, only the ${EDITS} edits → diagnostics (${ms(server.edits.reduce((a, b) => a + b, 0))} wall-clock in all)`, editProfile),
    opts.keep ? `Profiles kept in ${profRoot} (open them in Chrome DevTools → Performance, or VS Code).` : 'Re-run with `--keep` to keep the .cpuprofile files (open them in Chrome DevTools → Performance, or VS Code).',
    '<!-- profile:end -->',
  ].join('\n');

  let doc = fs.existsSync(results) ? fs.readFileSync(results, 'utf8') : '# kube-cel-guard benchmark results\n\n';
  const s = doc.indexOf('<!-- profile:start -->');
  const e = doc.indexOf('<!-- profile:end -->');
  if (s >= 0 && e > s) doc = doc.slice(0, s) + section + doc.slice(e + '<!-- profile:end -->'.length);
  else doc = doc.replace(/\n*$/, '\n\n') + section + '\n';
  fs.writeFileSync(results, doc);
  if (!opts.keep) fs.rmSync(profRoot, { recursive: true, force: true });

  console.log(`engine: import ${ms(engine.importMs)}, cold ${ms(engine.coldMs)}, warm ${ms(engine.warmMs)}, edit ${ms(median(engine.edits))}`);
  console.log(`phases (cold): split ${ms(phases.cold.split)}, parse ${ms(phases.cold.parse)}, checks ${Object.entries(phases.cold.checks).map(([c, v]) => `${c} ${ms(v)}`).join(', ')}`);
  console.log(`server (profiled): first ${ms(server.first)}, edit ${ms(median(server.edits))}`);
  console.log('engine top self time:');
  for (const [f, t] of engineProfile.functions.slice(0, 10)) console.log(`  ${ms(t).padStart(8)}  ${f}`);
  console.log('server top areas:');
  for (const [a, t] of serverProfile.areas.slice(0, 8)) console.log(`  ${ms(t).padStart(8)}  ${a}`);
  console.log(`wrote the "Where the time goes" section of ${path.relative(process.cwd(), results)}`);
}

if (opts.child === 'phases') console.log(JSON.stringify(await childPhases(opts.file)));
else if (opts.child === 'engine') console.log(JSON.stringify(await childEngine(opts.file, opts.meta)));
else if (opts.summarize) {
  const s = summarizeProfile(path.resolve(opts.summarize), 30);
  console.log(profileMarkdown(path.basename(opts.summarize), s).join('\n'));
} else await parent();
