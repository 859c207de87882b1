'use strict';
// Second reference for the HTTP overhead benchmark: a bare NestJS + Fastify app (one controller, no guards, pipes,
// filters or logger) — what the framework itself costs, before anything Lumiku adds.
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

class HelloController {
  hello() {
    return { status: 'ok' };
  }
}
Get('hello')(HelloController.prototype, 'hello', Object.getOwnPropertyDescriptor(HelloController.prototype, 'hello'));
Controller()(HelloController);
class HelloModule {}
Module({ controllers: [HelloController] })(HelloModule);

NestFactory.create(HelloModule, new FastifyAdapter(), { logger: false })
  .then((app) => app.listen({ port: Number(process.env.PORT ?? 3289), host: '127.0.0.1' }))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
