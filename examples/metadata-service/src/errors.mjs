// How the API answers a failure: 400 with the validation message for bad input, 503 with
// Retry-After while PostgreSQL is unreachable, a plugin's own 4xx (the rate limit's 429) as
// it is, and 500 without details for anything else (logged).
import { BadCursorError } from './cursor.mjs'
import { isUnavailable } from './db/pool.mjs'

/**
 * Fastify's error handler for the service.
 * @param {unknown} thrown
 * @param {import('fastify').FastifyRequest} request
 * @param {import('fastify').FastifyReply} reply
 */
export function answerError(thrown, request, reply) {
  const error = /** @type {any} */ (thrown)
  if (error.validation) {
    return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message })
  }
  if (error instanceof BadCursorError) {
    return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message })
  }
  if (isUnavailable(error) || isUnavailable(error.cause)) {
    return reply.code(503).header('retry-after', '5').header('cache-control', 'no-store').send({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'the database is unavailable; retry shortly',
    })
  }
  // a 4xx thrown by a plugin (the rate limit's 429 is a plain object)
  if (error.statusCode && error.statusCode < 500) return reply.code(error.statusCode).send(error)
  request.log.error(error)
  return reply
    .code(500)
    .send({ statusCode: 500, error: 'Internal Server Error', message: 'unexpected error' })
}
