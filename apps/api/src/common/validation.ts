import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainError } from '@app/common';
import { assertSafeInput } from './input-safety';

/** The global pipe, with depth and NUL checks before class-transformer walks the value. */
class SafeValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') assertSafeInput(value, metadata.data ?? metadata.type);
    return super.transform(value, metadata);
  }
}

/** Whitelisting pipe: unknown fields are rejected; failures list every field under `details.fields`. */
export function createValidationPipe(): ValidationPipe {
  return new SafeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new DomainError('VALIDATION_FAILED', 'Request validation failed', { fields: flattenErrors(errors) }),
  });
}

export function flattenErrors(errors: ValidationError[], parent = ''): { field: string; errors: string[] }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, errors: Object.values(e.constraints) }] : [];
    return [...own, ...flattenErrors(e.children ?? [], field)];
  });
}

/** Validates a plain object (e.g. multipart text fields) against a DTO class with the global pipe's rules. */
export async function validateDto<T extends object>(cls: new () => T, plain: Record<string, unknown>): Promise<T> {
  assertSafeInput(plain, 'fields');
  const instance = plainToInstance(cls, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new DomainError('VALIDATION_FAILED', 'Request validation failed', { fields: flattenErrors(errors) });
  return instance;
}
