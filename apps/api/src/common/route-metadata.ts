import type { ExecutionContext, Type } from '@nestjs/common';

type Handler = (...args: never[]) => unknown;

/**
 * A value derived from a route's decorators, computed on the route's first request and kept: decorator metadata is
 * fixed once the app has started, so global guards need not walk `reflect-metadata` on every request.
 * Keyed by handler and controller class (one handler may serve several controllers through inheritance).
 */
export class PerRoute<T> {
  private readonly byHandler = new WeakMap<Handler, Map<Type<unknown>, T>>();

  constructor(private readonly derive: (handler: Handler, controller: Type<unknown>) => T) {}

  of(context: ExecutionContext): T {
    const handler = context.getHandler() as Handler;
    const controller = context.getClass();
    let byClass = this.byHandler.get(handler);
    if (!byClass) this.byHandler.set(handler, (byClass = new Map()));
    if (byClass.has(controller)) return byClass.get(controller)!;
    const value = this.derive(handler, controller);
    byClass.set(controller, value);
    return value;
  }
}
