'use strict';
// Baseline for the HTTP overhead benchmark: a bare Fastify hello-world (same Fastify as the API).
const fastify = require('fastify')({ logger: false });
fastify.get('/hello', async () => ({ status: 'ok' }));
fastify.listen({ port: Number(process.env.PORT ?? 3290), host: '127.0.0.1' });
