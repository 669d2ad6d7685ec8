import { run } from './main';

// Exit as soon as the run settles: a connection a broken proxy or registry never answers must
// not keep the step alive after its result is known.
void run().finally(() => process.exit());
