/**
 * The name rules of k8s.io/apimachinery/pkg/util/validation, with the texts the apiserver prints.
 */

const DNS1123_SUBDOMAIN_FMT = String.raw`[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*`;
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MAX = 253;

const HTTP_PATH_FMT = String.raw`[A-Za-z0-9/\-._~%!$&'()*+,;=:]+`;
const HTTP_PATH = new RegExp(`^${HTTP_PATH_FMT}$`);

/** IsDNS1123Subdomain: the messages, empty when valid. */
export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX) errs.push(`must be no more than ${DNS1123_SUBDOMAIN_MAX} characters`);
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errs.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character " +
        `(e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN_FMT}')`,
    );
  }
  return errs;
}

/** One problem IsDomainPrefixedPath reports; `value` is what the apiserver prints as the invalid value. */
export type DomainPrefixedPathError = { kind: 'required' } | { kind: 'invalid'; value: string; detail: string };

export function domainPrefixedPathErrors(key: string): DomainPrefixedPathError[] {
  if (key.length === 0) return [{ kind: 'required' }];
  const slash = key.indexOf('/');
  const host = slash < 0 ? '' : key.slice(0, slash);
  const path = slash < 0 ? '' : key.slice(slash + 1);
  if (slash < 0 || host === '' || path === '') {
    return [{ kind: 'invalid', value: key, detail: 'must be a domain-prefixed path (such as "acme.io/foo")' }];
  }
  const errs: DomainPrefixedPathError[] = dns1123SubdomainErrors(host).map((detail) => ({ kind: 'invalid', value: host, detail }));
  if (!HTTP_PATH.test(path)) {
    errs.push({ kind: 'invalid', value: path, detail: `Invalid path (regex used for validation is '${HTTP_PATH_FMT}')` });
  }
  return errs;
}

/** k8s.io, kubernetes.io and their subdomains are reserved for Kubernetes' own extra keys. */
export function isKubernetesDomainPrefix(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const domain = key.slice(0, slash);
  return domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io') || domain === 'k8s.io' || domain.endsWith('.k8s.io');
}
