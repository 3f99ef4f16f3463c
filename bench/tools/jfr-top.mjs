// Summarizes the CPU samples of a JFR recording: where the time goes, by component and by method.
//   jfr print --events jdk.ExecutionSample --stack-depth 64 rec.jfr > samples.txt
//   node bench/tools/jfr-top.mjs samples.txt [top]
// "self" counts a sample for the frame on top of the stack; "inclusive" for every method on the stack (once).
import { readFileSync } from 'node:fs';

const COMPONENTS = [
  ['tenantgate', /^dev\.tenantgate\./],
  ['nimbus-jose-jwt', /^com\.nimbusds\./],
  ['tink (Ed25519)', /^com\.google\.crypto\.tink\./],
  ['jdk crypto', /^(sun\.security\.|java\.security\.|javax\.crypto\.|com\.sun\.crypto\.)/],
  ['caffeine', /^com\.github\.benmanes\.caffeine\./],
  ['lettuce (redis)', /^io\.lettuce\./],
  ['r2dbc/postgresql', /^(io\.r2dbc\.|org\.postgresql\.)/],
  ['resilience4j', /^io\.github\.resilience4j\./],
  ['micrometer', /^io\.micrometer\./],
  ['spring cloud gateway', /^org\.springframework\.cloud\.gateway\./],
  ['spring security', /^org\.springframework\.security\./],
  ['spring web/http', /^org\.springframework\.(web|http)\./],
  ['spring other', /^org\.springframework\./],
  ['reactor-netty', /^reactor\.netty\./],
  ['reactor-core', /^reactor\./],
  ['netty', /^io\.netty\./],
  ['jackson', /^(tools\.jackson\.|com\.fasterxml\.jackson\.)/],
  ['jdk', /^(java\.|javax\.|jdk\.|sun\.)/],
];

const file = process.argv[2];
const top = Number(process.argv[3] ?? 20);
const stacks = [];
let current = null;
for (const line of readFileSync(file, 'utf8').split('\n')) {
  const trimmed = line.trim();
  if (trimmed === 'stackTrace = [') {
    current = [];
  } else if (current && trimmed === ']') {
    stacks.push(current);
    current = null;
  } else if (current && trimmed && trimmed !== '...') {
    current.push(trimmed.replace(/\s+line:.*$/, '').replace(/\(.*\)$/, ''));
  }
}
if (stacks.length === 0) {
  console.log('no samples');
  process.exit(0);
}

const component = (frame) => (COMPONENTS.find(([, pattern]) => pattern.test(frame)) ?? ['other'])[0];
const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
const self = new Map();
const selfComponents = new Map();
const inclusive = new Map();
const inclusiveComponents = new Map();
for (const stack of stacks) {
  count(self, stack[0]);
  count(selfComponents, component(stack[0]));
  new Set(stack).forEach((frame) => count(inclusive, frame));
  new Set(stack.map(component)).forEach((name) => count(inclusiveComponents, name));
}
const pct = (n) => `${((100 * n) / stacks.length).toFixed(1).padStart(5)}%`;
const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);

console.log(`${stacks.length} CPU samples`);
console.log('\nby component (self | on stack):');
for (const [name, n] of sorted(selfComponents)) {
  console.log(`  ${pct(n)} | ${pct(inclusiveComponents.get(name))}  ${name}`);
}
console.log(`\ntop ${top} methods (self):`);
sorted(self).slice(0, top).forEach(([frame, n]) => console.log(`  ${pct(n)}  ${frame}`));
console.log(`\ntop ${top} tenantgate methods (on stack):`);
sorted(inclusive).filter(([frame]) => frame.startsWith('dev.tenantgate.')).slice(0, top)
  .forEach(([frame, n]) => console.log(`  ${pct(n)}  ${frame}`));
