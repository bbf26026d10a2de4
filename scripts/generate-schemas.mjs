#!/usr/bin/env node
/**
 * Builds the compact Kubernetes schema bundle that kube-cel-guard ships in schemas/k8s/.
 *
 * Input: the /openapi/v3 documents of each bundled minor version (one file per group-version),
 * by default ../shared/k8s-openapi relative to the repository root:
 *   node scripts/generate-schemas.mjs [path/to/k8s-openapi] [--out schemas/k8s]
 *
 * Output (all plain JSON, deterministic; see server/src/schemas/bundleFormat.ts for the reader):
 *   schemas/k8s/<minor>.json          per-version index: which definition variant each name has in
 *                                     this version, GVK → definition, resources → kinds and scope
 *   schemas/k8s/defs/<package>.json   every distinct variant of the definitions of one Go package
 *                                     (e.g. io.k8s.api.apps.v1), shared by all versions
 *
 * Why this split: a document about a Deployment only needs the apps/v1, core/v1 and meta/v1
 * packages, so the server reads three files instead of a version's whole API; and a definition
 * that did not change between minors (most of them) is stored once, not six times.
 * $refs are kept as they are (recursive JSONSchemaProps cannot be inlined).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

const FORMAT = 1;
const VERSIONS = ['1.30', '1.31', '1.32', '1.33', '1.34', '1.35'];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { inputArg, outArg } = parseArgs(process.argv.slice(2));
const inputRoot = path.resolve(inputArg ?? path.join(repoRoot, '..', 'shared', 'k8s-openapi'));
const outRoot = path.resolve(outArg ?? path.join(repoRoot, 'schemas', 'k8s'));

/** `[k8s-openapi folder] [--out dir]`; --out lets a test regenerate elsewhere and compare. */
function parseArgs(args) {
  let inputArg;
  let outArg;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') outArg = args[++i];
    else if (args[i].startsWith('--out=')) outArg = args[i].slice('--out='.length);
    else inputArg = args[i];
  }
  return { inputArg, outArg };
}

/** Schema keywords typing, hover and cost estimation read; everything else is dropped. */
const KEEP_SCALAR = new Set([
  'type', 'format', 'description', 'required', 'enum', 'default', 'nullable',
  'maxItems', 'minItems', 'maxLength', 'minLength', 'maxProperties', 'minProperties', 'pattern',
  'maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'multipleOf', 'uniqueItems',
  '$ref',
  'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type', 'x-kubernetes-embedded-resource', 'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-group-version-kind', 'x-kubernetes-validations',
]);
const KEEP_SCHEMA_LIST = new Set(['allOf', 'oneOf', 'anyOf']);

function compact(node) {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (KEEP_SCALAR.has(key)) out[key] = value;
    else if (KEEP_SCHEMA_LIST.has(key) && Array.isArray(value)) out[key] = value.map(compact);
    else if (key === 'items' || key === 'not') out[key] = compact(value);
    else if (key === 'additionalProperties') out[key] = typeof value === 'boolean' ? value : compact(value);
    else if (key === 'properties' && value && typeof value === 'object') {
      const props = {};
      for (const [name, prop] of Object.entries(value)) props[name] = compact(prop);
      out[key] = props;
    }
  }
  return out;
}

/** The Go package of a definition name: everything before the last dot. Must match packageOf() in the reader. */
function packageOf(defName) {
  const dot = defName.lastIndexOf('.');
  return dot < 0 ? defName : defName.slice(0, dot);
}

function listDocuments(versionDir) {
  const docs = [];
  const core = path.join(versionDir, 'api', 'v1.json');
  if (fs.existsSync(core)) docs.push({ group: '', version: 'v1', file: core });
  const apis = path.join(versionDir, 'apis');
  if (fs.existsSync(apis)) {
    for (const group of fs.readdirSync(apis).sort()) {
      for (const f of fs.readdirSync(path.join(apis, group)).sort()) {
        if (f.endsWith('.json')) docs.push({ group, version: f.slice(0, -5), file: path.join(apis, group, f) });
      }
    }
  }
  return docs;
}

const OPERATIONS = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * REST resources of one group-version document, from its paths: the path gives the plural and the
 * scope (`namespaces/{namespace}/<plural>`), the operation's x-kubernetes-group-version-kind the
 * kind. Subresources (`deployments/{name}/scale`) and the deprecated watch paths are skipped.
 */
function resourcesOf(doc, group, version) {
  const prefix = group === '' ? `/api/${version}/` : `/apis/${group}/${version}/`;
  const found = new Map(); // plural -> { kind, namespaced }
  for (const [p, item] of Object.entries(doc.paths ?? {})) {
    if (!p.startsWith(prefix)) continue;
    let rest = p.slice(prefix.length);
    if (rest === '' || rest.startsWith('watch/')) continue;
    let namespaced = false;
    if (rest.startsWith('namespaces/{namespace}/')) {
      namespaced = true;
      rest = rest.slice('namespaces/{namespace}/'.length);
    }
    const segments = rest.split('/');
    if (segments.length > 2) continue; // subresource
    const plural = segments[0];
    if (!plural || plural.startsWith('{')) continue;
    for (const op of OPERATIONS) {
      const gvk = item?.[op]?.['x-kubernetes-group-version-kind'];
      if (!gvk || gvk.group !== group || gvk.version !== version) continue;
      const prev = found.get(plural);
      if (prev && prev.kind !== gvk.kind) {
        console.warn(`warning: ${group}/${version} ${plural} maps to both ${prev.kind} and ${gvk.kind}`);
      }
      found.set(plural, { kind: gvk.kind, namespaced: namespaced || (prev?.namespaced ?? false) });
    }
  }
  return found;
}

function sortedObject(map) {
  const out = {};
  for (const key of [...map.keys()].sort()) out[key] = map.get(key);
  return out;
}

function writeFile(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return Buffer.byteLength(content);
}

function main() {
  if (!fs.existsSync(inputRoot)) {
    console.error(`k8s-openapi folder not found: ${inputRoot}`);
    process.exit(1);
  }
  const started = Date.now();
  // package -> defName -> { variants: string[] (JSON), byHash: Map<hash, index> }
  const pools = new Map();
  const indexes = [];
  let inputBytes = 0;

  for (const minor of VERSIONS) {
    const versionDir = path.join(inputRoot, minor);
    if (!fs.existsSync(versionDir)) {
      console.warn(`warning: no input for ${minor}, skipped`);
      continue;
    }
    const defs = new Map(); // name -> compact JSON text
    const gvks = new Map(); // 'group/version/Kind' -> def name
    const resources = new Map(); // 'group/version' -> { plural: {kind, namespaced} }
    for (const { group, version, file } of listDocuments(versionDir)) {
      const raw = fs.readFileSync(file, 'utf8');
      inputBytes += raw.length;
      const doc = JSON.parse(raw);
      for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
        const text = JSON.stringify(compact(schema));
        const prev = defs.get(name);
        if (prev !== undefined && prev !== text) console.warn(`warning: ${minor} ${name} differs between documents; keeping the first`);
        if (prev === undefined) defs.set(name, text);
      }
      const res = resourcesOf(doc, group, version);
      if (res.size) resources.set(`${group}/${version}`, sortedObject(res));
    }
    for (const name of [...defs.keys()].sort()) {
      const schema = JSON.parse(defs.get(name));
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
        const key = `${gvk.group ?? ''}/${gvk.version}/${gvk.kind}`;
        const prev = gvks.get(key);
        if (prev && prev !== name) console.warn(`warning: ${minor} ${key} claimed by ${prev} and ${name}; keeping ${prev}`);
        if (!prev) gvks.set(key, name);
      }
    }
    const variantOf = new Map();
    for (const name of [...defs.keys()].sort()) {
      const pkg = packageOf(name);
      if (!pools.has(pkg)) pools.set(pkg, new Map());
      const pool = pools.get(pkg);
      if (!pool.has(name)) pool.set(name, { variants: [], byHash: new Map() });
      const entry = pool.get(name);
      const text = defs.get(name);
      const hash = createHash('sha256').update(text).digest('hex');
      let idx = entry.byHash.get(hash);
      if (idx === undefined) {
        idx = entry.variants.length;
        entry.variants.push(text);
        entry.byHash.set(hash, idx);
      }
      variantOf.set(name, idx);
    }
    indexes.push({
      minor,
      index: {
        format: FORMAT,
        kubernetesVersion: minor,
        defs: sortedObject(variantOf),
        gvks: sortedObject(gvks),
        resources: sortedObject(resources),
      },
    });
  }

  // Remove only what an earlier run wrote (stale packages and versions), whatever --out points at.
  fs.rmSync(path.join(outRoot, 'defs'), { recursive: true, force: true });
  if (fs.existsSync(outRoot)) {
    for (const f of fs.readdirSync(outRoot)) if (/^\d+\.\d+\.json$/.test(f)) fs.rmSync(path.join(outRoot, f));
  }
  const sizes = [];
  for (const { minor, index } of indexes) {
    sizes.push([`${minor}.json`, writeFile(path.join(outRoot, `${minor}.json`), JSON.stringify(index) + '\n')]);
  }
  for (const pkg of [...pools.keys()].sort()) {
    const pool = pools.get(pkg);
    // Hand-built JSON: the variants are already serialized, re-parsing them would only cost time.
    const body = [...pool.keys()].sort().map((name) => `${JSON.stringify(name)}:[${pool.get(name).variants.join(',')}]`);
    sizes.push([`defs/${pkg}.json`, writeFile(path.join(outRoot, 'defs', `${pkg}.json`), `{${body.join(',\n')}}\n`)]);
  }
  writeFile(
    path.join(outRoot, 'README.md'),
    '# Bundled Kubernetes schemas (generated)\n\n' +
      'Generated by `npm run generate-schemas` (scripts/generate-schemas.mjs) from the `/openapi/v3` documents of\n' +
      `Kubernetes ${VERSIONS[0]}–${VERSIONS[VERSIONS.length - 1]} (Apache-2.0, the Kubernetes project's). Do not edit by hand.\n\n` +
      '- `<minor>.json`: per-version index (definition variant per name, GVK → definition, resource → kind and scope).\n' +
      '- `defs/<package>.json`: every distinct variant of the definitions of one package, shared by all versions.\n',
  );

  let total = 0;
  let gzTotal = 0;
  for (const [name, bytes] of sizes) {
    total += bytes;
    gzTotal += gzipSync(fs.readFileSync(path.join(outRoot, name))).length;
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  for (const [name, bytes] of sizes.filter(([n]) => !n.startsWith('defs/'))) console.log(`  ${name.padEnd(50)} ${kb(bytes)}`);
  const biggest = sizes.filter(([n]) => n.startsWith('defs/')).sort((a, b) => b[1] - a[1]).slice(0, 5);
  for (const [name, bytes] of biggest) console.log(`  ${name.padEnd(50)} ${kb(bytes)}`);
  let variantCount = 0;
  let nameCount = 0;
  for (const pool of pools.values()) for (const e of pool.values()) { nameCount++; variantCount += e.variants.length; }
  console.log(
    `${path.relative(process.cwd(), outRoot) || '.'}: ${sizes.length} files, ${kb(total)} (${kb(gzTotal)} gzipped), from ${kb(inputBytes)} of input; ` +
      `${nameCount} definitions, ${variantCount} distinct variants over ${indexes.length} versions; ${Date.now() - started} ms`,
  );
}

main();
