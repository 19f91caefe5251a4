#!/usr/bin/env node
// The `beamlink` command. Runs the compiled CLI from dist/ (built by `npm install`'s
// prepare script).
import('../dist/cli/main.js')
  .then((m) => m.main(process.argv.slice(2)))
  .then(
    (code) => {
      if (typeof code === 'number') process.exitCode = code;
    },
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
