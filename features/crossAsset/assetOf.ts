const QUOTED = /^([A-Z0-9]+?)(USDT|USDC|FDUSD|BUSD|TUSD|DAI|USD)(_PERP|_\d{6})?$/;

/** The base asset of a venue symbol: BTCUSDT, BTCUSD_PERP and BTCUSD_240927 are all BTC. */
export function assetOf(symbol: string): string {
  const s = symbol.toUpperCase();
  return QUOTED.exec(s)?.[1] ?? s;
}
