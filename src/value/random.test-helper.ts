/** Seeded random numbers for the value-layer tests (not exported from the package). */

/** mulberry32: a small, fast, seeded PRNG returning uniforms in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Poisson draw with mean mu (Knuth's product of uniforms; fine for mu up to a few hundred). */
export function poisson(random: () => number, mu: number): number {
  const limit = Math.exp(-mu);
  let k = 0;
  let product = random();
  while (product > limit) {
    k++;
    product *= random();
  }
  return k;
}

/** A normal draw (Box-Muller). */
export function normal(random: () => number, mean: number, sd: number): number {
  const u = 1 - random(); // (0, 1]
  const v = random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
