// Fastify: its router knows the route template of each request (`request.routeOptions.url`); an
// onRequest hook records it on the node:http request, where instrumentHttpServer reads it.
import type { IncomingMessage, Server } from 'node:http';
import { SchemaError } from '../errors';
import { instrumentHttpServer, type HttpInstrumentation, type HttpInstrumentationOptions } from './instrument';
import { setRoute } from './routes';

/** The parts of a Fastify instance used here (Fastify 4 and 5). */
export interface FastifyLike {
  readonly server: Server;
  addHook(name: 'onRequest', hook: (request: { readonly raw: IncomingMessage; readonly routeOptions?: { readonly url?: string } }, reply: unknown, done: () => void) => void): unknown;
}

/**
 * Instruments a Fastify instance's server as `instrumentHttpServer` does, with the route template
 * of each request (`/users/:id`) as its route; requests no route matched are `#unmatched`. Call
 * it before the instance is ready (before `listen()`), as Fastify adds hooks only then.
 */
export function instrumentFastify(fastify: FastifyLike, options: Omit<HttpInstrumentationOptions, 'routeOf'> = {}): HttpInstrumentation {
  if (fastify === null || typeof fastify !== 'object' || typeof fastify.addHook !== 'function') {
    throw new SchemaError('instrumentFastify(): the first argument must be a Fastify instance');
  }
  fastify.addHook('onRequest', (request, _reply, done) => {
    // Fastify's 404 handler has no url of its own: the request stays unmatched.
    setRoute(request.raw, request.routeOptions?.url);
    done();
  });
  return instrumentHttpServer(fastify.server, options);
}
