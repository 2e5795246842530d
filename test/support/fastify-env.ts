// Jest setup file of the `fastify` project (jest.config.ts): the HTTP e2e suites build their apps on Fastify.
process.env.HTTP_ADAPTER = 'fastify';
