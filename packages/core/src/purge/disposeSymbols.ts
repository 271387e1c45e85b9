/**
 * `Symbol.dispose` / `Symbol.asyncDispose`, installed once if the runtime lacks them.
 *
 * Node 20 defines both; Safari and Hermes do not. The polyfill uses `Symbol.for(...)`, the same
 * registered symbols that esbuild's and Babel's lowered `using` helpers fall back to when
 * `Symbol.dispose` is missing, so code compiled by any of them finds our disposers. TypeScript's
 * helper reads `Symbol.dispose` at the `using` statement, which runs after this module.
 *
 * The symbols are exported and used as computed keys by every disposable class, rather than
 * installed by a bare side-effect import that `sideEffects: false` would let bundlers drop.
 */
type SymbolWithDispose = SymbolConstructor & { dispose?: symbol; asyncDispose?: symbol };

function install(name: 'dispose' | 'asyncDispose'): symbol {
  const symbolConstructor = Symbol as SymbolWithDispose;
  const existing = symbolConstructor[name];
  if (typeof existing === 'symbol') return existing;
  const registered = Symbol.for(`Symbol.${name}`);
  Object.defineProperty(Symbol, name, {
    value: registered,
    writable: false,
    enumerable: false,
    configurable: false,
  });
  return registered;
}

/** The runtime's `Symbol.dispose`, installed if it was missing. @internal */
export const disposeSymbol: typeof Symbol.dispose = install('dispose') as typeof Symbol.dispose;
/** The runtime's `Symbol.asyncDispose`, installed if it was missing. @internal */
export const asyncDisposeSymbol: typeof Symbol.asyncDispose = install(
  'asyncDispose',
) as typeof Symbol.asyncDispose;
