/** A parsed `WWW-Authenticate` challenge (RFC 7235), e.g. `Bearer realm="…",service="…",scope="…"`. */
export interface Challenge {
  readonly scheme: 'basic' | 'bearer';
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses every challenge in a header value. Unknown schemes are skipped; quoted strings may
 * hold commas and escaped quotes (scopes like `repository:a:pull,push` do).
 */
export function parseChallenges(value: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  let current: { scheme: string; params: Record<string, string> } | undefined;
  const skipSpace = () => {
    while (i < value.length && /[\s,]/.test(value[i])) i++;
  };
  while (i < value.length) {
    skipSpace();
    const tokenMatch = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(value.slice(i));
    if (!tokenMatch) break;
    const token = tokenMatch[0];
    i += token.length;
    while (i < value.length && value[i] === ' ') i++;
    if (value[i] === '=') {
      // A parameter of the current challenge.
      i++;
      let v = '';
      if (value[i] === '"') {
        i++;
        while (i < value.length && value[i] !== '"') {
          if (value[i] === '\\' && i + 1 < value.length) i++;
          v += value[i++];
        }
        i++;
      } else {
        const m = /^[^,\s]*/.exec(value.slice(i));
        v = m ? m[0] : '';
        i += v.length;
      }
      if (current) current.params[token.toLowerCase()] = v;
    } else {
      current = { scheme: token.toLowerCase(), params: {} };
      if (current.scheme === 'basic' || current.scheme === 'bearer') {
        challenges.push(current as Challenge);
      }
    }
  }
  return challenges;
}

/** `repository:<name>:<actions>` scopes, merged so each name appears once with all its actions. */
export function mergeScopes(scopes: readonly string[]): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const scope of scopes) {
    for (const one of scope.split(' ').filter(Boolean)) {
      const lastColon = one.lastIndexOf(':');
      if (lastColon < 0) continue;
      const resource = one.slice(0, lastColon);
      const actions = byResource.get(resource) ?? new Set<string>();
      for (const a of one
        .slice(lastColon + 1)
        .split(',')
        .filter(Boolean))
        actions.add(a);
      byResource.set(resource, actions);
    }
  }
  return [...byResource].map(([resource, actions]) => `${resource}:${[...actions].sort().join(',')}`);
}

/** True when the granted scopes include every action of every wanted scope. */
export function scopesCover(granted: readonly string[], wanted: readonly string[]): boolean {
  const g = new Map(
    mergeScopes(granted).map((s) => {
      const c = s.lastIndexOf(':');
      return [s.slice(0, c), new Set(s.slice(c + 1).split(','))] as const;
    }),
  );
  return mergeScopes(wanted).every((s) => {
    const c = s.lastIndexOf(':');
    const have = g.get(s.slice(0, c));
    return (
      have !== undefined &&
      s
        .slice(c + 1)
        .split(',')
        .every((a) => have.has(a))
    );
  });
}

export function repositoryScope(repository: string, actions: 'pull' | 'pull,push'): string {
  return `repository:${repository}:${actions}`;
}

/**
 * The scopes a Bearer token says it grants, when it says so: the tokens of Distribution's token
 * protocol (Docker Hub, GitLab, Harbor, Quay) are JWTs whose `access` claim lists them. An
 * opaque token (GHCR's) tells nothing: undefined. Read only to avoid a request that cannot
 * succeed; the registry, not this, decides what a token allows.
 */
export function grantedScopes(token: string): string[] | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { access?: unknown };
    if (!Array.isArray(claims.access)) return undefined;
    return claims.access.flatMap((a: { type?: unknown; name?: unknown; actions?: unknown }) =>
      typeof a.type === 'string' && typeof a.name === 'string' && Array.isArray(a.actions)
        ? [`${a.type}:${a.name}:${a.actions.filter((x) => typeof x === 'string').join(',')}`]
        : [],
    );
  } catch {
    return undefined;
  }
}
