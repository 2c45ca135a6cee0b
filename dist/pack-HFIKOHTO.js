import { createRequire as __prEnvCreateRequire } from 'node:module'; const require = __prEnvCreateRequire(import.meta.url);
import{e as a,f as b,g as c}from"./chunk-HTEATIV6.js";import"./chunk-4HQKGTP6.js";export{c as isGzip,a as packDirectory,b as packZip};
