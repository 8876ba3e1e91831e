/**
 * A view of `target` on which identical reads are sent once: a call `isRead` accepts is keyed by
 * its method and arguments (as JSON); concurrent callers share the request in flight and later
 * callers get its answer, or its error. Anything else passes through untouched. Meant for one
 * run's discovery, which reads the world once before changing it; never for revoke or watch.
 */
export function withCachedReads<T extends object>(target: T, isRead: (method: string, args: unknown[]) => boolean): T {
  const answers = new Map<string, unknown>();
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (!isRead(property, args)) return (value as (...a: unknown[]) => unknown).apply(object, args);
        const key = `${property}\u0000${JSON.stringify(args)}`;
        if (!answers.has(key)) answers.set(key, (value as (...a: unknown[]) => unknown).apply(object, args));
        return answers.get(key);
      };
    },
  });
}
