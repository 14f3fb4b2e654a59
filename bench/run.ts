// `npm run bench`: prints numbers; nothing here passes or fails.
import { benchCommands } from './commands.js';
import { benchImport } from './import.js';
import { benchHealth } from './health.js';
import { benchJobs } from './jobs.js';
import { benchStartup } from './startup.js';
import { benchPsaSync } from './psa-sync.js';

const only = process.argv[2];
if (!only || only === 'startup') await benchStartup();
if (!only || only === 'commands') await benchCommands();
if (!only || only === 'jobs') await benchJobs();
if (!only || only === 'import') await benchImport();
if (!only || only === 'health') await benchHealth();
if (!only || only === 'psa') await benchPsaSync();
