// The Content-Security-Policy both shells send with the renderer (one source, so the Electron
// window and the browser host are held to the same rules). Only an online tile server chosen
// in the agency settings widens img-src; nothing else leaves the machine.
export function contentSecurityPolicy(opts: { onlineTileUrl?: string | null; extraImg?: string[] } = {}): string {
  const img = ["'self'", 'data:', 'blob:', ...(opts.extraImg ?? [])];
  if (opts.onlineTileUrl) {
    try {
      const u = new URL(opts.onlineTileUrl.replace(/\{[a-z]\}/g, '0'));
      if (u.protocol === 'https:') img.push(`${u.protocol}//${u.host.replace(/^[a-z0-9]\./, '*.')}`);
    } catch {
      // an invalid URL in settings widens nothing
    }
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Mantine and Leaflet set style attributes at run time; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    `img-src ${img.join(' ')}`,
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "worker-src 'self' blob:",
  ].join('; ');
}

export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=()',
};
