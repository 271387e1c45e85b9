import { z } from 'zod';
import {
  deletionReceiptPayloadSchema,
  healthSchema,
  jwksPath,
  jwksSchema,
  problemCodes,
  problemSchema,
  receiptHeader,
  renderHeadersSchema,
  renderPath,
  renderQuerySchema,
} from './remoteContract';

function schemaOf(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function parametersOf(schema: z.ZodObject, where: 'query' | 'header'): unknown[] {
  const json = schemaOf(schema, 'input') as { properties: Record<string, { description?: string }>; required?: string[] };
  return Object.entries(json.properties)
    // The content type is described by the request body, not as a parameter.
    .filter(([name]) => name !== 'content-type')
    .map(([name, property]) => ({
      name: where === 'header' ? name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase()) : name,
      in: where,
      required: json.required?.includes(name) ?? false,
      ...(property.description ? { description: property.description } : {}),
      schema: property,
    }));
}

function problemResponse(description: string, retryAfter = false): Record<string, unknown> {
  return {
    description,
    ...(retryAfter
      ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } } } }
      : {}),
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

function codesFor(status: number): string {
  return Object.entries(problemCodes)
    .filter(([, entry]) => entry.status === status)
    .map(([code]) => `\`${code}\``)
    .join(', ');
}

/**
 * The OpenAPI 3.1 description of the remote rendering contract, generated from the same zod
 * schemas the client and the reference server validate with. `docs/remote-openapi.json` is this
 * document; a test keeps the two equal.
 *
 * @public
 */
export function remoteOpenApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vopop remote rendering',
      version: '1.0.0',
      description:
        'Stateless face-video rendering that retains nothing. One request carries only the aligned face crop ' +
        '(a bare PNG re-encoded from pixels) and returns the video with an Ed25519-signed deletion receipt.',
    },
    paths: {
      [renderPath]: {
        post: {
          operationId: 'render',
          summary: 'Render a face crop into a template and return the video.',
          security: [{ apiKey: [] }],
          parameters: [...parametersOf(renderQuerySchema, 'query'), ...parametersOf(renderHeadersSchema.omit({ authorization: true }), 'header')],
          requestBody: {
            required: true,
            content: { 'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } } },
          },
          responses: {
            '200': {
              description: 'The video. Everything else the service held is already wiped; the video is wiped once written.',
              headers: {
                [receiptHeader]: {
                  required: true,
                  description: 'The deletion receipt: a compact JWS (EdDSA) over DeletionReceipt, signed by a key in the JWK Set.',
                  schema: { type: 'string' },
                },
              },
              content: {
                'video/mp4': { schema: { type: 'string', contentMediaType: 'video/mp4' } },
                'video/webm': { schema: { type: 'string', contentMediaType: 'video/webm' } },
              },
            },
            '400': problemResponse(`Malformed request: ${codesFor(400)}.`),
            '401': problemResponse(`Missing API key: ${codesFor(401)}.`),
            '403': problemResponse(`API key refused: ${codesFor(403)}.`),
            '404': problemResponse(`Unknown template: ${codesFor(404)}.`),
            '413': problemResponse(`Body over the limit: ${codesFor(413)}.`),
            '415': problemResponse(`Not image/png: ${codesFor(415)}.`),
            '422': problemResponse(`The crop cannot be rendered: ${codesFor(422)}.`),
            '429': problemResponse(`Rate limit of the API key: ${codesFor(429)}.`, true),
            '500': problemResponse(`Render failure: ${codesFor(500)}.`),
            '503': problemResponse(`At capacity, timed out or shutting down: ${codesFor(503)}.`, true),
          },
        },
      },
      [jwksPath]: {
        get: {
          operationId: 'receiptKeys',
          summary: 'The public keys that sign deletion receipts (pin them in the app).',
          responses: { '200': { description: 'A JWK Set.', content: { 'application/json': { schema: { $ref: '#/components/schemas/JwkSet' } } } } },
        },
      },
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Liveness.',
          responses: { '200': { description: 'Alive.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } } },
        },
      },
      '/ready': {
        get: {
          operationId: 'ready',
          summary: 'Readiness: models loaded and not shutting down.',
          responses: {
            '200': { description: 'Ready.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
            '503': { description: 'Not ready.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
          },
        },
      },
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key issued by the service.' } },
      schemas: {
        Problem: schemaOf(problemSchema),
        DeletionReceipt: schemaOf(deletionReceiptPayloadSchema),
        JwkSet: schemaOf(jwksSchema),
        Health: schemaOf(healthSchema),
      },
    },
  };
}
