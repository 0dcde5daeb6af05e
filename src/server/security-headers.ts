import type { FastifyInstance, FastifyReply } from 'fastify'

const repliesAllowingWorkers = new WeakSet<FastifyReply>()

/** Lets this page start workers from this origin's own scripts (the map's MapLibre worker); no other page may. */
export function allowSameOriginWorkers(reply: FastifyReply): void {
  repliesAllowingWorkers.add(reply)
}

/**
 * Headers on every response: a CSP with a per-request nonce for the few inline scripts the
 * template needs, no framing, no sniffing, and no caching of pages that may hold personal data.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  const { production } = app.deps.config
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${request.cspNonce}'`,
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        repliesAllowingWorkers.has(reply) ? "worker-src 'self'" : "worker-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    )
    reply.header('X-Content-Type-Options', 'nosniff')
    reply.header('X-Frame-Options', 'DENY')
    reply.header('Referrer-Policy', 'same-origin')
    reply.header('Cross-Origin-Opener-Policy', 'same-origin')
    reply.header('Cross-Origin-Resource-Policy', 'same-origin')
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()')
    if (production) reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    const isAsset = request.url.startsWith('/build/') || request.url.startsWith('/assets/')
    if (!isAsset) reply.header('Cache-Control', 'no-store')
    return payload
  })
}
