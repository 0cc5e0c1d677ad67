import type { InputEvent } from '../../schemas/event.ts';
import type { Feature, FeatureState } from '../feature.ts';
import { DecayingRate } from '../stats/ewma.ts';

type Params = { halfLifeMs: number; warmupMs: number };

/** The catalogue text of a feature; the window text is written from the half-life. */
type Catalogue = Pick<Feature<Params>, 'name' | 'unit' | 'description' | 'formula' | 'reveals' | 'inputs'> & {
  readonly defaults: Params;
};

const windowText = (d: Params) => `exponential, half-life halfLifeMs (default ${d.halfLifeMs / 1000} s)`;

/**
 * A venue-symbol feature counting the events `counts` accepts, per second, exponentially decaying
 * in event time (`features/stats/ewma.ts`): order arrivals, cancels, trades. Undefined until the
 * first counted event is `warmupMs` old.
 */
export function decayingRateFeature(
  c: Catalogue & { readonly counts: (event: InputEvent) => boolean },
): Feature<Params> {
  const state = (p: Params, rate: DecayingRate): FeatureState => ({
    update({ event }) {
      if (c.counts(event)) rate.add(event.eventTime);
    },
    value: () => (rate.ageAt(rate.lastTime) >= p.warmupMs ? rate.rateAt(rate.lastTime) : undefined),
    toJSON: () => rate.toJSON(),
  });
  return {
    name: c.name,
    family: 'order-flow',
    unit: c.unit,
    description: c.description,
    formula: c.formula,
    window: windowText(c.defaults),
    reveals: c.reveals,
    keyKind: 'venue-symbol',
    inputs: c.inputs,
    defaults: c.defaults,
    create(params) {
      const p = { ...c.defaults, ...params };
      return state(p, new DecayingRate(p.halfLifeMs));
    },
    restore(json, params) {
      const p = { ...c.defaults, ...params };
      return state(p, DecayingRate.fromJSON(p.halfLifeMs, json));
    },
  };
}

/**
 * A venue-symbol feature: decaying count of the events `numerator` accepts over one plus the
 * decaying count of those `denominator` accepts (the pseudo-count keeps it finite), both read at
 * the latest event of either. Undefined until both counts are `warmupMs` old.
 */
export function decayingRatioFeature(
  c: Catalogue & {
    readonly numerator: (event: InputEvent) => boolean;
    readonly denominator: (event: InputEvent) => boolean;
  },
): Feature<Params> {
  const state = (p: Params, num: DecayingRate, den: DecayingRate): FeatureState => ({
    update({ event }) {
      if (c.numerator(event)) num.add(event.eventTime);
      else if (c.denominator(event)) den.add(event.eventTime);
    },
    value() {
      // Math.max propagates NaN, so a side with no events yet is skipped explicitly.
      const ln = num.lastTime;
      const ld = den.lastTime;
      const last = Number.isNaN(ln) ? ld : Number.isNaN(ld) ? ln : Math.max(ln, ld);
      if (Number.isNaN(last) || Math.max(num.ageAt(last), den.ageAt(last)) < p.warmupMs) return undefined;
      return num.countAt(last) / (den.countAt(last) + 1);
    },
    toJSON: () => [num.toJSON(), den.toJSON()],
  });
  return {
    name: c.name,
    family: 'order-flow',
    unit: c.unit,
    description: c.description,
    formula: c.formula,
    window: windowText(c.defaults),
    reveals: c.reveals,
    keyKind: 'venue-symbol',
    inputs: c.inputs,
    defaults: c.defaults,
    create(params) {
      const p = { ...c.defaults, ...params };
      return state(p, new DecayingRate(p.halfLifeMs), new DecayingRate(p.halfLifeMs));
    },
    restore(json, params) {
      const p = { ...c.defaults, ...params };
      const [n, d] = json as [unknown, unknown];
      return state(p, DecayingRate.fromJSON(p.halfLifeMs, n), DecayingRate.fromJSON(p.halfLifeMs, d));
    },
  };
}
