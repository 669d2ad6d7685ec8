/**
 * The parts of undici the client uses, loaded one by one. undici's entry module also loads
 * fetch, WebSocket, EventSource, caches, interceptors and mocks, which the action never calls and
 * which cost most of its start-up (the aim: at most 60 ms over `node -e ''`). The version is
 * pinned in package-lock.json; these paths are undici 7's own layout.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- deep requires are the point here */
import type * as Undici from 'undici';

const DispatcherBase = require('undici/lib/dispatcher/dispatcher') as typeof Undici.Dispatcher;
// What undici's entry module does, for the two calls made: request() (every request) and connect()
// (the proxy agent's CONNECT tunnel). stream(), pipeline() and upgrade() would only add to start-up.
Object.assign(DispatcherBase.prototype, {
  request: require('undici/lib/api/api-request') as unknown,
  connect: require('undici/lib/api/api-connect') as unknown,
});

/** The base class (a value): types come from `import type { Dispatcher } from 'undici'`, which loads nothing. */
export const Dispatcher = DispatcherBase;
export const Client = require('undici/lib/dispatcher/client') as typeof Undici.Client;
export type Client = Undici.Client;
export const Pool = require('undici/lib/dispatcher/pool') as typeof Undici.Pool;
export type Pool = Undici.Pool;
export const EnvHttpProxyAgent = require('undici/lib/dispatcher/env-http-proxy-agent') as typeof Undici.EnvHttpProxyAgent;
export type EnvHttpProxyAgent = Undici.EnvHttpProxyAgent;
export const buildConnector = require('undici/lib/core/connect') as typeof Undici.buildConnector;
/** A dispatch handler of either of undici's handler APIs, seen through the current one (`onRequestStart` …). */
export const WrapHandler = require('undici/lib/handler/wrap-handler') as {
  wrap(handler: Undici.Dispatcher.DispatchHandler): Undici.Dispatcher.DispatchHandler;
};
// eslint-disable-next-line @typescript-eslint/no-namespace -- the namespace of buildConnector's option types
export declare namespace buildConnector {
  type Options = Undici.buildConnector.Options;
  type Callback = Undici.buildConnector.Callback;
}
