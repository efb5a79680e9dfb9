/** Entry point of the `inpaint-studio` command (bin/inpaint-studio.mjs and `npm run cli --`). */
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
