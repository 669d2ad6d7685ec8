/** An image platform as the OCI image index carries it. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
}

export class PlatformError extends Error {
  override name = 'PlatformError';
}

const COMPONENT = /^[a-z0-9._-]+$/;

/** Parses `os/arch[/variant]` as users write it in the `platforms` input. */
export function parsePlatform(input: string): Platform {
  const raw = input.trim();
  const parts = raw.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !COMPONENT.test(p))) {
    throw new PlatformError(`"${raw}" is not a platform: expected os/architecture[/variant], e.g. linux/arm64`);
  }
  const [os, architecture, variant] = parts;
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** `linux/arm64/v8`, the form used in outputs and messages. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/**
 * Normalises the way containerd does, so `linux/arm64` ≡ `linux/arm64/v8` and `linux/arm` ≡
 * `linux/arm/v7`; used only for comparing, never for what is written.
 */
export function normalizePlatform(p: Platform): Platform {
  let architecture = p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase();
  switch (architecture) {
    case 'x86_64':
    case 'x86-64':
      architecture = 'amd64';
      if (variant === 'v1') variant = undefined;
      break;
    case 'amd64':
      if (variant === 'v1') variant = undefined;
      break;
    case 'aarch64':
    case 'arm64':
      architecture = 'arm64';
      if (variant === undefined || variant === '8' || variant === 'v8') variant = 'v8';
      break;
    case 'armhf':
      architecture = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      architecture = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === undefined || variant === '7') variant = 'v7';
      else if (/^[5-8]$/.test(variant)) variant = `v${variant}`;
      break;
    case 'i386':
      architecture = '386';
      break;
  }
  return { ...p, os: p.os.toLowerCase(), architecture, variant };
}

/** The identity used to detect duplicate platforms and to match the `platforms` input. */
export function platformKey(p: Platform): string {
  const n = normalizePlatform(p);
  return [n.os, n.architecture, n.variant ?? '', n['os.version'] ?? ''].join('/');
}

/** True when `wanted` (from the input, no os.version) names `actual`. */
export function platformMatches(wanted: Platform, actual: Platform): boolean {
  const w = normalizePlatform(wanted);
  const a = normalizePlatform(actual);
  return w.os === a.os && w.architecture === a.architecture && (w.variant ?? '') === (a.variant ?? '');
}
