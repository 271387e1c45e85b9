// The one @babel/core function the Hermes bundle step uses (the package ships no types).
declare module '@babel/core' {
  export function transformAsync(
    code: string,
    options: { babelrc: boolean; configFile: boolean; compact: boolean; plugins: string[] },
  ): Promise<{ code?: string | null } | null>;
}
