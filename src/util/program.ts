/**
 * Runs `command` with `input` on stdin; resolves with its exit code and output, rejects when it
 * cannot start. The one thing the flow runs besides HTTP: credential helpers
 * (`docker-credential-<name> get`). Each front end runs programs its own way (the action with
 * @actions/exec, the command line with node:child_process); neither echoes the output, which
 * holds secrets.
 */
export type RunProgram = (
  command: string,
  args: readonly string[],
  input: Buffer,
) => Promise<{ readonly exitCode: number; readonly stdout: string; readonly stderr: string }>;
