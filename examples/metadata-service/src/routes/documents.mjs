// The document API. Every GET tells the response cache what it shows: `Cache-Control` (shared
// caches keep it; browsers revalidate with the ETag) and `Cache-Tag` (the rows it read), so a
// write drops exactly the responses it touched.
import { Readable } from 'node:stream'

const formats = ['markdown', 'html', 'text', 'pdf']
/** Elements sent as one body (cacheable) up to this many; a longer list is streamed. */
const elementsInOne = 1_000

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 500 } },
}

/**
 * @param {import('fastify').FastifyInstance} app
 * @param {ReturnType<typeof import('../store/index.mjs').createStore>} store
 * @param {number} ttl seconds a shared cache may keep a response (browsers revalidate each time)
 */
export function documentRoutes(app, store, ttl) {
  const shared = `max-age=0, s-maxage=${ttl}, stale-while-revalidate=30`
  app.get(
    '/documents',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', minLength: 1, maxLength: 200 },
            lang: { type: 'string', pattern: '^[a-z]{3}$' },
            format: { type: 'string', enum: formats },
            cursor: { type: 'string', minLength: 1, maxLength: 1000 },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
          },
        },
      },
    },
    async (request, reply) => {
      const page = await store.search(/** @type {any} */ (request.query))
      reply.header('cache-control', shared)
      reply.header(
        'cache-tag',
        ['table:documents', ...page.items.map((item) => `doc:${item.id}`)].join(' '),
      )
      return page
    },
  )

  app.get('/documents/:id', { schema: { params: idParams } }, async (request, reply) => {
    const { id } = /** @type {{ id: string }} */ (request.params)
    const document = await store.document(id)
    if (!document) return notFound(reply, id)
    return reply.header('cache-control', shared).header('cache-tag', `doc:${id}`).send(document)
  })

  // NDJSON, one element a line, read by pages of the elements' positions: a short list is one
  // body (which the response cache keeps), a long one a stream that never holds it all.
  app.get('/documents/:id/elements', { schema: { params: idParams } }, async (request, reply) => {
    const { id } = /** @type {{ id: string }} */ (request.params)
    const first = await store.elements(id, 0, elementsInOne + 1)
    if (first.length === 0 && !(await store.document(id))) return notFound(reply, id)
    reply.type('application/x-ndjson; charset=utf-8').header('cache-tag', `doc:${id}`)
    reply.header('cache-control', shared)
    if (first.length <= elementsInOne)
      return reply.send(first.map((row) => `${JSON.stringify(row)}\n`).join(''))
    async function* lines() {
      let page = first
      for (;;) {
        for (const row of page) yield `${JSON.stringify(row)}\n`
        if (page.length < elementsInOne) return
        page = await store.elements(id, page.at(-1).position, elementsInOne)
      }
    }
    return reply.send(Readable.from(lines()))
  })

  app.get('/documents/:id/related', { schema: { params: idParams } }, async (request, reply) => {
    const { id } = /** @type {{ id: string }} */ (request.params)
    const document = await store.document(id)
    if (!document) return notFound(reply, id)
    const related = await store.related(id)
    const ids = [...related.links, ...related.linkedFrom, ...related.duplicates].map(
      (other) => `doc:${other.id}`,
    )
    return reply
      .header('cache-control', shared)
      .header('cache-tag', [`doc:${id}`, ...ids].join(' '))
      .send(related)
  })

  app.patch(
    '/documents/:id',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            title: { type: 'string', minLength: 1, maxLength: 500 },
            description: { type: 'string', maxLength: 2000 },
            keywords: {
              type: 'array',
              maxItems: 50,
              items: { type: 'string', minLength: 1, maxLength: 100 },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { id } = /** @type {{ id: string }} */ (request.params)
      const document = await store.update(id, /** @type {any} */ (request.body))
      if (!document) return notFound(reply, id)
      return reply.header('cache-control', 'no-store').send(document)
    },
  )
}

function notFound(reply, id) {
  return reply
    .code(404)
    .header('cache-control', 'max-age=0, s-maxage=10')
    .header('cache-tag', `doc:${id}`)
    .send({ statusCode: 404, error: 'Not Found', message: `no document with id "${id}"` })
}
