#!/usr/bin/env node
// The `chimera` CLI entry point: everything lives in dist/cli/main.js (built by `npm run build`).
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
