import { baselineParse } from './corpus.js';

process.on('message', (files: string[]) => process.send!(baselineParse(files)));
