import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from '@app/common';

/** Whitelisting pipe: unknown fields are rejected; failures list every field under `details.fields`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
