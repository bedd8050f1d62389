/** True for a promise or any other thenable (also one from another realm, which `instanceof Promise` misses). */
export function isThenable<T = unknown>(value: unknown): value is PromiseLike<T> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<T>).then === 'function';
}
