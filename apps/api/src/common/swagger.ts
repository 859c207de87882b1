import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { addErrorContract } from './openapi/error-responses';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const { API_PUBLIC_URL } = app.get(AppConfig);
  const config = new DocumentBuilder()
    .setTitle('Lumiku API')
    .setDescription(
      'Background Remover and Avatar Creator. Errors always have the shape ' +
        '`{statusCode, code, message, details?, requestId}`. Authenticate with `POST /api/auth/login` and use the ' +
        'token as a bearer token.',
    )
    .setVersion('1.0')
    .addServer(API_PUBLIC_URL ?? '/', API_PUBLIC_URL ? 'This deployment' : 'The origin serving this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  addErrorContract(app, document);
  return document;
}

/** Swagger UI at /api/docs, JSON at /api/docs-json. */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
