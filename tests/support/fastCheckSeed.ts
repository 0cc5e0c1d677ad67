import fc from 'fast-check';

// Property tests draw their cases from one seed per run so that CI is reproducible; FC_SEED
// chooses another (FC_SEED=random explores new cases, as a nightly run should).
const seed = process.env['FC_SEED'] === 'random' ? Date.now() : Number(process.env['FC_SEED'] ?? 20261123);
fc.configureGlobal({ seed });
