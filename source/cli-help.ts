/** Help texts, one per command. */
import type {CommandName} from './cli-args.js';

export const QUERY_HELP = `
  Query language (the explorer's / filter and --filter)
    words                 name, model or prompt contains them all ("a phrase" in quotes)
    -term                 excludes what the term matches
    state:partial,stalled any of the states (incomplete = partial,stalled,aborted,empty,running)
    model:pony  sampler:euler  name:x  prompt:x   contains (several values: any of them)
    mode:combinatorial    generation mode (a prefix is enough)
    sweep:yes  fav:yes  test:no  complete:yes     yes or no
    completion:<80  images:>=100                  <, <=, >, >=, = or a range 50..80
    created:>2025-10-01  created:7d               a date compared, a day, a range a..b, or recent (24h, 7d, 2w)
    tag:redo  rating:like                         rating: like, dislike or none
    is:incomplete                                 the explorer's i preset
`;

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
    sdstats [--root DIR] [--db FILE] [--filter QUERY] [--sort FIELD[:desc]] [--reset-view]
                                            open the explorer (a terminal is needed)
    sdstats --demo                          open the explorer on a built-in demo results root
    sdstats compute [--force] [--session NAME]... [--json]
    sdstats list [--json | --csv] [--filter QUERY] [--sort FIELD[:desc]]
    sdstats show NAME [--json] [--missing]
    sdstats doctor [--rebuild]              check sessions.db; rebuild it when damaged
    sdstats forget --yes                    remove the cached stats of this root's sessions
    sdstats help COMMAND                    help for one command
${COMMON}

  Without a terminal (a pipe, CI), sdstats prints the plain list, as \`sdstats list\` does.
  --reset-view forgets the remembered sort, filter and hidden columns of this root.
${QUERY_HELP}`,
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
    sdstats list [--json | --csv] [--filter QUERY] [--sort FIELD[:desc]]

  Prints exactly the rows, in the order, the explorer shows for the same filter and sort.

  Options
    --json              one JSON array; each object carries every session_stats column (JSON columns
                        parsed, is_seed_sweep a boolean) plus state, manifest_status, images_recorded, error
    --csv               the explorer's columns with raw values (text cells a spreadsheet would run as a
                        formula, starting with = + - @, get a leading ')
    --filter QUERY      the explorer's query language (below)
    --sort FIELD[:desc] created, name, model, state, images, completion, mode, sweep, size, steps, cfg,
                        sampler (default created:desc); ties: newest first, then name
${COMMON}
${QUERY_HELP}`,
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
