import { createRequire as __prEnvCreateRequire } from 'node:module'; const require = __prEnvCreateRequire(import.meta.url);
function s(n){return n instanceof Error?n.message:String(n)}var e=class extends Error{constructor(r){super(r.length===1?`Invalid input: ${r[0]}`:`Invalid inputs:
${r.map(i=>`- ${i}`).join(`
`)}`);this.problems=r;this.name="InputError"}problems};function o(n,t){return new Error(`${n}: ${s(t)}`,{cause:t})}export{s as a,e as b,o as c};
