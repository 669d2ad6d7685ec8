/** An input as the runner sets it (`INPUT_<NAME>`), trimmed; missing means empty (the default). */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}
