import { DynamicModule, Logger, Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import type { FastifyReply } from 'fastify';
import { CONSOLE_PATH, findConsoleRoot } from './console-files';

/**
 * The page's only sources are its own files (scripts, styles) and the API on the same origin; images may also be
 * local previews (blob:). No inline script, so no 'unsafe-inline'.
 */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Security headers on every console response. */
const CONSOLE_HEADERS = { 'content-security-policy': CONSOLE_CSP, 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

/**
 * The try-it console at /console: static files built by `npm run build` (scripts/build-console.js) from
 * clients/console and the typed client, served with @nestjs/serve-static outside the /api prefix. The build's files
 * never change while the API runs, so serve-static's startup-time file list (wildcard off) is right here.
 * Unknown paths under /console get index.html (the page routes by hash).
 */
@Module({})
export class ConsoleModule {
  static forRoot(root: string | undefined = findConsoleRoot()): DynamicModule {
    if (!root) {
      new Logger('Console').warn(`${CONSOLE_PATH} is off: the page is not built (npm run build builds it)`);
      return { module: ConsoleModule };
    }
    return {
      module: ConsoleModule,
      imports: [
        ServeStaticModule.forRoot({
          rootPath: root,
          serveRoot: CONSOLE_PATH,
          useGlobalPrefix: false,
          // The storage plugin is registered too; only one @fastify/static may decorate the reply.
          serveStaticOptions: {
            fallthrough: true,
            index: ['index.html'],
            redirect: true,
            decorateReply: false,
            dotfiles: 'ignore',
            cacheControl: true,
            maxAge: 0,
            // Called for every file and for the index fallback, with Fastify's reply.
            setHeaders: (reply: FastifyReply) => void reply.headers(CONSOLE_HEADERS),
          },
        }),
      ],
    };
  }
}
