/**
 * The layers of lib/, bottom to top: a file may import its own layer and the layers below it, never above.
 * `npm run lint:deps` checks it (and that there are no cycles); `.ci/run` runs it.
 */
const LAYERS = [
  { name: 'base', path: '^lib/(auth\\.(errors|constants|types)|options\\.validation)\\.ts$|^lib/decorators/' },
  { name: 'events', path: '^lib/events/' },
  { name: 'mail', path: '^lib/mail/' },
  { name: 'redis', path: '^lib/redis/' },
  { name: 'sessions', path: '^lib/sessions/', peersForbidden: ['throttling'] },
  { name: 'throttling', path: '^lib/throttling/', peersForbidden: ['sessions'] },
  { name: 'tokens', path: '^lib/tokens/' },
  { name: 'identity', path: '^lib/identity/' },
  // Adapters of the identity ports (lib/adapters/hashing/: password hashers), next to the ports they implement.
  { name: 'adapters', path: '^lib/adapters/' },
  { name: 'oauth', path: '^lib/oauth/' },
  { name: 'guards', path: '^lib/guards/' },
  { name: 'http', path: '^lib/http/' },
  { name: 'module', path: '^lib/(auth\\.(module|module-definition|module-extras|options|providers)|index|passport|testing)\\.ts$|^lib/testing/' },
];
// sessions and throttling share a level; so do mail and redis.
const rank = { base: 0, events: 1, mail: 2, redis: 2, sessions: 3, throttling: 3, tokens: 4, identity: 5, adapters: 5.5, oauth: 6, guards: 7, http: 8, module: 9 };

const upward = LAYERS.map((layer) => ({
  name: `layer-${layer.name}`,
  comment: `lib/ layers: ${layer.name} may only import layers below it (base < events < mail|redis < sessions|throttling < tokens < identity < adapters < oauth < guards < http < module)`,
  severity: 'error',
  from: { path: layer.path },
  to: {
    path: LAYERS.filter((other) => rank[other.name] > rank[layer.name] || (layer.peersForbidden ?? []).includes(other.name))
      .map((other) => `(${other.path})`).join('|'),
  },
})).filter((rule) => rule.to.path);

module.exports = {
  forbidden: [
    ...upward,
    { name: 'no-circular', severity: 'error', comment: 'no import cycles', from: {}, to: { circular: true } },
    {
      name: 'every-file-in-a-layer', severity: 'error', comment: 'each lib/ file belongs to one of the declared layers',
      from: { path: '^lib/', pathNot: LAYERS.map((l) => `(${l.path})`).join('|') }, to: {},
    },
    {
      name: 'lib-is-self-contained', severity: 'error', comment: 'lib/ never imports the tests, the sample or the bench',
      from: { path: '^lib/' }, to: { path: '^(test|sample|bench)/' },
    },
    {
      name: 'bench-and-sample-not-from-tests', severity: 'error', comment: 'bench/ and sample/ do not import test/',
      from: { path: '^(bench|sample)/' }, to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
