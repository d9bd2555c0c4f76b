/** Help texts, one per command. */
import type {CommandName} from './cli-args.js';

const COMMON = `
  Where things are
    --root DIR          results root (else $SDSTATS_ROOT, else the first path of the web UI's
                        $IMAGE_FOLDERS, else output_dir of ./sdgen_config.json)
    --db FILE           cache database (else $SDSTATS_DB, else <root>/../metadata/sessions.db,
                        the file the generator's web UI uses)
    --stall-minutes N   a running session that wrote nothing for N minutes is "stalled" (default 10)
    --no-color          no colour (NO_COLOR is honoured too)
    -h, --help          this help;  -v, --version  the version`;

export const HELP: Record<CommandName, string> = {
	explore: `
  sdstats: statistics for Stable Diffusion batch-run session folders

  Usage
    sdstats [--root DIR] [--db FILE]        open the explorer (a terminal is needed)
    sdstats --demo                          open the explorer on a built-in demo results root
    sdstats compute [--force] [--session NAME]... [--json]
    sdstats list [--json | --csv]
    sdstats show NAME [--json]
    sdstats doctor [--rebuild]              check sessions.db; rebuild it when damaged
    sdstats forget --yes                    remove the cached stats of this root's sessions
    sdstats help COMMAND                    help for one command
${COMMON}

  Without a terminal (a pipe, CI), sdstats prints the plain list, as \`sdstats list\` does.
`,
	compute: `
  sdstats compute: bring the cache up to date with the results root

  Usage
    sdstats compute [--force] [--session NAME]... [--json] [--workers N] [--no-wait]

  Computes new and changed sessions (changed: the folder or its manifest was modified since the row
  was computed) and removes the stats of sessions whose folder is gone (never session_metadata).

  Options
    --force             recompute every session
    --session NAME      only this session folder (repeatable)
    --json              print the summary as one JSON object
    --workers N         worker threads (default: by job size and cores; 0 = none)
    --no-wait           if another compute holds the database, say who and stop (default: wait for it)
${COMMON}

  Exit status: 0 the run finished (bad sessions are reported, not fatal); 1 it could not run
  (root missing, database unusable); 2 usage error; 130 stopped by Ctrl-C (finished sessions stay stored).
`,
	list: `
  sdstats list: print every cached session, newest first, with its state

  Usage
    sdstats list [--json | --csv]

  Options
    --json              one JSON array; each object carries every session_stats column (JSON columns
                        parsed, is_seed_sweep a boolean) plus state, manifest_status, images_recorded, error
    --csv               the same columns as CSV (cells that a spreadsheet would run as a formula are quoted)
${COMMON}
`,
	show: `
  sdstats show: print one cached session

  Usage
    sdstats show NAME [--json]

  Options
    --json              one JSON object, as in \`sdstats list --json\`
${COMMON}
`,
	doctor: `
  sdstats doctor: check sessions.db, and rebuild it when it is damaged

  Usage
    sdstats doctor [--rebuild]

  Runs SQLite's integrity check. When the file is damaged (or with --rebuild), it backs the file up beside
  itself (sessions.db.damaged-<time>), creates a fresh database, carries session_metadata over as far as it
  can be read, and rebuilds the stats from the results root.

  Options
    --rebuild           rebuild even when the file is healthy
${COMMON}
`,
	forget: `
  sdstats forget: remove the cached stats of every session of the results root

  Usage
    sdstats forget --yes

  Stats of a root that is unavailable (an unplugged disk) are kept until it is back; this removes them when
  you ask. session_metadata (favourites, notes, tags) is never touched.
${COMMON}
`,
	help: '',
};
