import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { defineRoutes } from './define-route.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Built CSS and scripts (/build) and the design systems' images (/assets). Nothing from a CDN. */
export async function registerAssets(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, { root: path.join(root, 'public/build'), serve: false })
  const route = defineRoutes(app)
  const cache = (maxAge: number) => ({ maxAge: maxAge * 1000, immutable: false })
  route.get('/build/*', {
    permission: 'public',
    handler: (request, reply) => reply.sendFile((request.params as { '*': string })['*'], path.join(root, 'public/build'), cache(3600)),
  })
  route.get('/assets/*', {
    permission: 'public',
    handler: (request, reply) =>
      reply.sendFile((request.params as { '*': string })['*'], path.join(root, 'node_modules/govuk-frontend/dist/govuk/assets'), cache(86400)),
  })
}
