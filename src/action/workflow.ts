/**
 * The workflow commands the action uses, from @actions/core's own modules for them. Its entry
 * module also loads the OIDC helpers (and with them @actions/http-client and a second undici),
 * which this action never calls: that load was most of its start-up.
 * Each function does what @actions/core's function of the same name does.
 */
import { EOL } from 'node:os';
import { issue, issueCommand } from '@actions/core/lib/command';
import { issueFileCommand, prepareKeyValueMessage } from '@actions/core/lib/file-command';
import { toCommandValue } from '@actions/core/lib/utils';

export { summary } from '@actions/core/lib/summary';

export { getInput } from './input';

export function setOutput(name: string, value: string): void {
  if (process.env.GITHUB_OUTPUT) {
    issueFileCommand('OUTPUT', prepareKeyValueMessage(name, value));
    return;
  }
  process.stdout.write(EOL);
  issueCommand('set-output', { name }, toCommandValue(value));
}

export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret);
}

export function info(message: string): void {
  process.stdout.write(message + EOL);
}

export function debug(message: string): void {
  issueCommand('debug', {}, message);
}

export function notice(message: string): void {
  issueCommand('notice', {}, message);
}

export function warning(message: string): void {
  issueCommand('warning', {}, message);
}

export function setFailed(message: string): void {
  process.exitCode = 1;
  issueCommand('error', {}, message);
}

export async function group<T>(name: string, work: () => Promise<T>): Promise<T> {
  issue('group', name);
  try {
    return await work();
  } finally {
    issue('endgroup');
  }
}
