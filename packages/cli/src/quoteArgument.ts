/**
 * An argument the user typed, for a usage message: quoted when it looks like a command or
 * option word (`"genrate"`, `"--jsn"`), so that a typo is easy to spot; anything else is not
 * repeated, since a misplaced argument is often a file name, and a file name can name a person
 * (`jane_doe_passport.jpg`).
 */
export function quoteArgument(argument: string): string {
  return /^-{0,2}[a-z][a-z0-9-]{0,30}$/.test(argument) ? `"${argument}"` : '(not repeated here: it may be a file name)';
}
