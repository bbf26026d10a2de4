import { X509Certificate } from 'node:crypto';

/**
 * client-go's cert.NewPoolFromBytes, which validates `issuer.certificateAuthority`: every PEM
 * block of type CERTIFICATE without headers must parse as X.509, and there must be at least one.
 * Returns the apiserver's error text, or undefined when the data is acceptable.
 */
export function certificateAuthorityError(pem: string): string | undefined {
  const block = /-----BEGIN ([^\n-]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  let found = false;
  let m: RegExpExecArray | null;
  while ((m = block.exec(pem))) {
    const [, type, body] = m;
    // PEM headers ("Proc-Type: ..." lines) make client-go skip the block.
    if (type !== 'CERTIFICATE' || /^[^\n]*:/m.test(body)) continue;
    const der = Buffer.from(body.replace(/\s+/g, ''), 'base64');
    try {
      new X509Certificate(der);
    } catch {
      return 'x509: malformed certificate';
    }
    found = true;
  }
  return found ? undefined : 'data does not contain any valid RSA or ECDSA certificates';
}
