// nock 15's interceptors call Promise.withResolvers (Node 22+); the suite also runs on Node 20.
const P = Promise as PromiseConstructor & { withResolvers?: unknown };
P.withResolvers ??= function withResolvers<T>() {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
