/**
 * In-process Docker token service (the "realm" of a Bearer challenge) for a real
 * CNCF Distribution registry configured with `auth.token`.
 *
 * Distribution 2.8 verifies the JWT with the certificate chain in the header's `x5c`
 * against its `rootcertbundle`; a self-signed certificate that is itself the bundle is
 * accepted (the leaf is found in the root pool). The `aud` claim must be a single string
 * equal to the configured service, `iss` the configured issuer.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** One resource scope, e.g. `repository:foo/bar:pull,push`. */
export interface Scope {
  type: string;
  name: string;
  actions: string[];
}

/** What the token server saw, so tests can assert on how a client asked for tokens. */
export interface TokenRequest {
  method: string;
  path: string;
  service?: string;
  /** Raw `scope` values in order (several `scope` params and space-separated lists are split). */
  scopes: string[];
  /** Whether an Authorization header was sent at all. */
  authorization: boolean;
  /** The user whose Basic credentials were accepted, if any. */
  user?: string;
  /** HTTP status answered. */
  status: number;
  /** Scopes put into the issued token (empty when refused). */
  granted: Scope[];
}

export interface GrantContext {
  /** Authenticated user, undefined for an anonymous request. */
  user?: string;
}

export interface TokenServerOptions {
  service: string;
  issuer: string;
  /** PEM private key (EC P-256 → ES256, RSA → RS256) and the PEM certificate for it. */
  keyPem: string;
  certPem: string;
  /** Credentials checked with Basic auth. Without them every request is anonymous. */
  username?: string;
  password?: string;
  /** Answer requests without Authorization (default: refuse them with 401). */
  allowAnonymous?: boolean;
  /**
   * Decide what a token grants. Default: exactly what was asked for when authenticated,
   * only `pull` when anonymous. Lets tests emulate quirky services (e.g. last scope only).
   */
  grant?: (requested: Scope[], ctx: GrantContext) => Scope[];
  /** Token lifetime in seconds (default 300). */
  expiresIn?: number;
}

export interface TokenServer {
  /** Base URL, `http://127.0.0.1:PORT`. */
  url: string;
  /** The realm to configure in the registry: `${url}/token`. */
  realm: string;
  service: string;
  issuer: string;
  requests: TokenRequest[];
  /** Every token issued, in order (tests search a run's logs for them); clearRequests keeps them. */
  issued: string[];
  clearRequests(): void;
  close(): Promise<void>;
}

/** Parses `type:name:actions`; the name may itself hold ':' (never in repository names, but harmless). */
export function parseScope(raw: string): Scope | undefined {
  const first = raw.indexOf(':');
  const last = raw.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const actions = raw
    .slice(last + 1)
    .split(',')
    .filter((a) => a !== '');
  return { type: raw.slice(0, first), name: raw.slice(first + 1, last), actions };
}

export function formatScope(s: Scope): string {
  return `${s.type}:${s.name}:${s.actions.join(',')}`;
}

/**
 * A self-signed EC P-256 key and certificate from openssl (node:crypto cannot create X.509),
 * valid one day (Go checks the validity period), written as `<dir>/<name>.key` and `.crt`.
 */
export async function selfSignedCert(
  dir: string,
  name: string,
  subject: string,
  dnsName?: string,
): Promise<{ keyPem: string; certPem: string; keyPath: string; certPath: string }> {
  const keyPath = path.join(dir, `${name}.key`);
  const certPath = path.join(dir, `${name}.crt`);
  // An IP address is named by an IP entry (TLS clients match no IP against a DNS entry or the CN).
  const san = dnsName ? ['-addext', `subjectAltName=${/^[\d.]+$/.test(dnsName) ? 'IP' : 'DNS'}:${dnsName}`] : [];
  await execFileP('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '1',
    '-subj',
    subject,
    ...san,
  ]);
  return { keyPem: await fs.readFile(keyPath, 'utf8'), certPem: await fs.readFile(certPath, 'utf8'), keyPath, certPath };
}

/** The token service's signing key and the certificate the registry trusts (its rootcertbundle). */
export function generateSigningCert(dir: string): Promise<{ keyPem: string; certPem: string; certPath: string }> {
  return selfSignedCert(dir, 'token-signing', '/CN=test-token-issuer');
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function signJwt(key: KeyObject, certDerB64: string, claims: object): string {
  const ec = key.asymmetricKeyType === 'ec';
  const header = { typ: 'JWT', alg: ec ? 'ES256' : 'RS256', x5c: [certDerB64] };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  // JWS wants the raw r||s form for ECDSA, not node's default DER encoding.
  const sig = sign('sha256', Buffer.from(input), ec ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${b64url(sig)}`;
}

function parseBasic(header: string | undefined): { user: string; pass: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const key = createPrivateKey(opts.keyPem);
  const certDerB64 = new X509Certificate(opts.certPem).raw.toString('base64');
  const expiresIn = opts.expiresIn ?? 300;
  const requests: TokenRequest[] = [];
  const issued: string[] = [];

  const defaultGrant = (requested: Scope[], ctx: GrantContext): Scope[] =>
    ctx.user !== undefined ? requested : requested.map((s) => ({ ...s, actions: s.actions.filter((a) => a === 'pull') }));

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ').filter((x) => x !== ''));
    const record: TokenRequest = {
      method: req.method ?? '',
      path: url.pathname,
      service: url.searchParams.get('service') ?? undefined,
      scopes,
      authorization: req.headers.authorization !== undefined,
      status: 0,
      granted: [],
    };
    requests.push(record);

    const answer = (status: number, body: object, headers: Record<string, string> = {}): void => {
      record.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };

    // Only the GET form of the protocol; 405 lets OAuth2-POST clients fall back to it.
    if (url.pathname !== '/token') return answer(404, { errors: [{ code: 'NOT_FOUND' }] });
    if (req.method !== 'GET') return answer(405, { errors: [{ code: 'UNSUPPORTED' }] });

    let user: string | undefined;
    if (record.authorization) {
      const creds = parseBasic(req.headers.authorization);
      if (!creds || creds.user !== opts.username || creds.pass !== opts.password) {
        return answer(
          401,
          { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] },
          {
            'WWW-Authenticate': 'Basic realm="token"',
          },
        );
      }
      user = creds.user;
    } else if (!opts.allowAnonymous) {
      return answer(
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
        {
          'WWW-Authenticate': 'Basic realm="token"',
        },
      );
    }
    record.user = user;

    const requested = scopes.map(parseScope).filter((s): s is Scope => s !== undefined);
    const granted = (opts.grant ?? defaultGrant)(requested, { user });
    record.granted = granted;

    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(key, certDerB64, {
      iss: opts.issuer,
      sub: user ?? '',
      aud: opts.service, // Distribution 2.8 decodes `aud` as one string, not an array
      exp: now + expiresIn,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access: granted,
    });
    issued.push(token);
    answer(200, { token, access_token: token, expires_in: expiresIn, issued_at: new Date(now * 1000).toISOString() });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  server.unref(); // an unclosed token server must not keep jest from exiting
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    realm: `${url}/token`,
    service: opts.service,
    issuer: opts.issuer,
    requests,
    issued,
    clearRequests: () => void requests.splice(0),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections(); // keep-alive sockets from fetch would hold close() open
        server.close(() => resolve());
      })),
  };
}
