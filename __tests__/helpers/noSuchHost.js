// Preloaded (NODE_OPTIONS=--require) into a run under test: a host name under `.invalid` (RFC
// 2606: never resolvable) fails to resolve as getaddrinfo says of an unknown name (ENOTFOUND),
// without asking any DNS server: the tests use no network but loopback.
const dns = require('node:dns');
const original = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  if (typeof hostname === 'string' && /\.invalid\.?$/i.test(hostname)) {
    const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
      code: 'ENOTFOUND',
      errno: -3008,
      syscall: 'getaddrinfo',
      hostname,
    });
    process.nextTick(cb, err);
    return {};
  }
  return original.call(this, hostname, options, callback);
};
