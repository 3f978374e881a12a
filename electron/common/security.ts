/**
 * The renderer's Content Security Policy: only its own bundled files, no inline script, no
 * network at all (the network-path probe runs in main, never in the page).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The renderer is served from this origin through the custom protocol, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'keyward';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
