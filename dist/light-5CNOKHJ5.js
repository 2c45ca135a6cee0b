import { createRequire as __prEnvCreateRequire } from 'node:module'; const require = __prEnvCreateRequire(import.meta.url);
import{a}from"./chunk-ZYQQSUUB.js";import"./chunk-4HQKGTP6.js";export default a();
