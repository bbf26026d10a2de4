/**
 * The parts of Go's net/url.Parse the issuer URL rules look at (scheme, user info, query,
 * fragment) and the parse errors it reports, so `issuer.url` findings read like the apiserver's:
 * `parse "<url>": <reason>`. WHATWG `URL` differs too much (it accepts and rewrites things Go
 * rejects, and rejects scheme-less input Go accepts), hence this small port.
 */

export type GoUrl = {
  ok: true;
  scheme: string;
  hasUser: boolean;
  rawQuery: string;
  fragment: string;
  host: string;
};
export type GoUrlResult = GoUrl | { ok: false; error: string };

const fail = (raw: string, reason: string): GoUrlResult => ({ ok: false, error: `parse ${JSON.stringify(raw)}: ${reason}` });

function hasControlByte(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** First `%` escape that is not followed by two hex digits, as Go's unescape reports it. */
function badEscape(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '%') continue;
    const hex = s.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return s.slice(i, i + 3);
  }
  return undefined;
}

/** Characters Go allows unescaped in a host (shouldEscape in encodeHost mode); others are invalid. */
function invalidHostChar(host: string): string | undefined {
  for (const ch of host) {
    if (ch.charCodeAt(0) >= 0x80) continue;
    if (/[A-Za-z0-9\-_.~!$&'()*+,;=:\[\]<>"%]/.test(ch)) continue;
    return ch;
  }
  return undefined;
}

function parseHost(raw: string, host: string): GoUrlResult | string {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return fail(raw, "missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (colonPort !== '' && !/^:\d*$/.test(colonPort)) return fail(raw, `invalid port ${JSON.stringify(colonPort)} after host`);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      const colonPort = host.slice(colon);
      if (!/^:\d*$/.test(colonPort)) return fail(raw, `invalid port ${JSON.stringify(colonPort)} after host`);
    }
  }
  const esc = badEscape(host);
  if (esc !== undefined) return fail(raw, `invalid URL escape ${JSON.stringify(esc)}`);
  const bad = invalidHostChar(host);
  if (bad !== undefined) return fail(raw, `invalid character ${JSON.stringify(bad)} in host name`);
  return host;
}

export function parseGoUrl(raw: string): GoUrlResult {
  const hash = raw.indexOf('#');
  const main = hash < 0 ? raw : raw.slice(0, hash);
  const fragment = hash < 0 ? '' : raw.slice(hash + 1);

  if (hasControlByte(main)) return fail(raw, 'net/url: invalid control character in URL');

  let scheme = '';
  let rest = main;
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(main);
  if (schemeMatch) {
    scheme = schemeMatch[1].toLowerCase();
    rest = main.slice(schemeMatch[0].length);
  } else if (main.startsWith(':')) {
    return fail(raw, 'missing protocol scheme');
  }

  let rawQuery = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }

  let hasUser = false;
  let host = '';
  if (!rest.startsWith('/')) {
    if (scheme !== '') {
      // An opaque URL such as "https:example.com": Go accepts it (and it has no host).
      return { ok: true, scheme, hasUser, rawQuery, fragment: decodeOrRaw(fragment), host };
    }
    const slash = rest.indexOf('/');
    const firstSegment = slash < 0 ? rest : rest.slice(0, slash);
    if (firstSegment.includes(':')) return fail(raw, 'first path segment in URL cannot contain colon');
  }
  if (rest.startsWith('//')) {
    const afterSlashes = rest.slice(2);
    const slash = afterSlashes.indexOf('/');
    const authority = slash < 0 ? afterSlashes : afterSlashes.slice(0, slash);
    rest = slash < 0 ? '' : afterSlashes.slice(slash);
    const at = authority.lastIndexOf('@');
    const parsedHost = parseHost(raw, at < 0 ? authority : authority.slice(at + 1));
    if (typeof parsedHost !== 'string') return parsedHost;
    host = parsedHost;
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return fail(raw, 'net/url: invalid userinfo');
      hasUser = true;
    }
  }
  const pathEscape = badEscape(rest);
  if (pathEscape !== undefined) return fail(raw, `invalid URL escape ${JSON.stringify(pathEscape)}`);
  const fragEscape = badEscape(fragment);
  if (fragEscape !== undefined) return fail(raw, `invalid URL escape ${JSON.stringify(fragEscape)}`);
  return { ok: true, scheme, hasUser, rawQuery, fragment: decodeOrRaw(fragment), host };
}

function decodeOrRaw(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
