const QUOTED = /^([A-Z0-9]+?)(USDT|USDC|FDUSD|BUSD|TUSD|DAI|USD)(_PERP|_\d{6})?$/;

/**
 * Symbols already read: `assetOf` runs on every market event (venue_premium, the pair trackers) and
 * a market has few symbols, so the regular expression runs once per symbol. Bounded in case a feed
 * sends endless distinct symbols.
 */
const known = new Map<string, string>();
const MAX_KNOWN = 10_000;

/** The base asset of a venue symbol: BTCUSDT, BTCUSD_PERP and BTCUSD_240927 are all BTC. */
export function assetOf(symbol: string): string {
  let asset = known.get(symbol);
  if (asset === undefined) {
    const s = symbol.toUpperCase();
    asset = QUOTED.exec(s)?.[1] ?? s;
    if (known.size >= MAX_KNOWN) known.clear();
    known.set(symbol, asset);
  }
  return asset;
}
