/** Help texts, one per command. */
import type {CommandName} from './cli-args.js';

export const QUERY_HELP = `
  Query language (the explorer's / filter and --filter)
    words                 name, model or prompt contains them all ("a phrase" in quotes)
    -term                 excludes what the term matches
    state:partial,stalled any of the states (incomplete = partial,stalled,aborted,empty,running)
    model:pony  sampler:euler  name:x  prompt:x   contains (several values: any of them)
    model:="Euler a"      the whole value exactly, case and all (also sampler:, mode:, name:, prompt:)
    model:none            no value (also sampler:, mode:, size:, created:)
    mode:combinatorial    generation mode (a prefix is enough)
    size:832x1216         width x height (several: any of them)
    sweep:yes  fav:yes  test:no  complete:yes     yes or no
    completion:<80  images:>=100                  <, <=, >, >=, = or a range 50..80
    created:>2025-10-01  created:7d               a date compared, a day, a range a..b, or recent (24h, 7d, 2w)
    created:<30d                                  older than that (never a session without a date)
    tag:redo  rating:like                         rating: like, dislike or none
    source:png  source:v1,phase1                  where the values came from: manifest, v1, phase1, png
                                                  (the images' parameters), comfyui, header, files
    root:photos                                   the results root's name contains (several roots)
    is:incomplete                                 the explorer's i preset
    is:anomaly                                    deserves a look: empty images, images and manifest entries
                                                  that disagree in number, or a first image older than its folder
`;

const COMMON = `
  Where things are
    --root DIR          results root, repeatable (else $SDSTATS_ROOT, else every folder of the web UI's
                        $IMAGE_FOLDERS, else output_dir of ./sdgen_config.json); compute and list
                        cover every root, the explorer opens the first
    --db FILE           the database (else $SDSTATS_DB, else <root>/../metadata/sessions.db, the
                        web UI's file). Beside a sessions.db sdstats keeps its cache in sdstats.db and
                        shares the web UI's session_metadata (triage); a file of another name that the
                        web UI does not use holds everything itself
    --stall-minutes N   a running session that wrote nothing for N minutes is "stalled" (default 10)
    --no-color          no colour (NO_COLOR is honoured too)
    -h, --help          this help;  -v, --version  the version`;

const SELECTING = `
  Which sessions
    --filter QUERY      the sessions the explorer's query selects (below), among this root's cached ones
    --session NAME      this session (repeatable; added to those the filter selects)
    --include-running   running sessions too (skipped by default: the generator is still writing them)`;

const ACTION_SAFETY = `
  Before anything moves, sdstats shows each session, where it goes, its files and bytes, the total, the free
  space at the target, and the sessions skipped and why (running, already at the target, unreadable, no
  room). --dry-run stops there; without --yes a terminal asks, a script is told to add --yes.
  Nothing is ever overwritten or deleted outright. Every action is written to a journal (in
  $XDG_STATE_HOME/sdstats, else ~/.local/state/sdstats; $SDSTATS_STATE_DIR overrides) before anything moves:
  if sdstats is killed midway, the next sdstats command (or \`sdstats doctor\`) finishes or rolls back what was
  interrupted and says so, and each session is whole in exactly one place. Ctrl-C, or Esc on a terminal, stops
  after the current session. The stats row and the web UI's session_metadata row of each moved session follow
  it (their session_path updated, nothing removed); \`sdstats undo\` puts folders and paths back.`;

export const HELP: Record<CommandName, string> = {
	explore: `
  sdstats: statistics for Stable Diffusion batch-run session folders

  Usage
    sdstats [--root DIR] [--db FILE] [--filter QUERY] [--sort FIELD[:desc]] [--reset-view]
                                            open the explorer (a terminal is needed)
    sdstats --demo                          open the explorer on a built-in demo results root
    sdstats compute [--force] [--deep] [--session NAME]... [--json] [--workers N] [--no-wait]
    sdstats list [--json | --csv] [--filter QUERY] [--sort FIELD[:desc] | --group-by FIELD]
    sdstats show NAME [--json] [--missing]
    sdstats watch [--json] [--interval S]   follow new and running sessions, one line per change
    sdstats doctor [--rebuild]              check sessions.db and sdstats.db; rebuild sdstats' cache
    sdstats forget --yes                    remove the cached stats of this root's sessions
    sdstats archive --filter QUERY [--to DIR] [--dry-run] [--yes]   move sessions into the archive
    sdstats trash --filter QUERY [--dry-run] [--yes]                move sessions to the trash
    sdstats resume --filter QUERY -o FILE   one resume plan for the selected incomplete sessions
    sdstats undo [N] [--list]               take the last archive or trash back
    sdstats preview NAME [--protocol P] [--cols N] [--rows N]
                                            print a session's contact sheet (images and captions)
    sdstats sheet NAME -o FILE.png          write a session's contact sheet as a PNG
    sdstats help COMMAND                    help for one command
${COMMON}

  Without a terminal (a pipe, CI), sdstats prints the plain list, as \`sdstats list\` does.
  --reset-view forgets the remembered sort, filter and hidden columns of this root.
  --images auto|kitty|iterm|sixel|blocks|off   how pictures are drawn (default: remembered, else auto:
                        from the terminal; half blocks where it has no graphics; none with NO_COLOR)
${QUERY_HELP}`,
	compute: `
  sdstats compute: bring the cache up to date with the results root

  Usage
    sdstats compute [--force] [--deep] [--session NAME]... [--json] [--workers N] [--no-wait]

  Computes new and changed sessions (changed: the folder or its manifest was modified since the row
  was computed) and removes the stats of sessions whose folder is gone (never session_metadata).

  A session without manifest.json is filled from what it has: an older manifest (a V1
  <name>_manifest.json plan, a Phase-1 metadata.json) and the parameters the web UI wrote into its
  images (A1111/Forge infotext, ComfyUI graphs), read from the first, the last and a few images between.
  Each value records its source (\`sdstats show NAME\`, "sources" in --json). Its state stays no_manifest.

  Options
    --force             recompute every session
    --deep              read the parameters of every image of sessions without manifest.json, not a sample
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
    sdstats list --group-by FIELD [--json | --csv] [--filter QUERY]

  Prints exactly the rows, in the order, the explorer shows for the same filter and sort.
  With --group-by, prints one line per group of the rows the filter selects instead, most sessions first.

  Options
    --json              one JSON array; each object carries every session_stats column (JSON columns
                        parsed, is_seed_sweep a boolean) plus state, manifest_status, images_recorded, error,
                        sources (column → {from, agree?, of?, others?, conflicts?, note?}; from is manifest,
                        v1, phase1, png, comfyui or header) and source_notes (what could not be read, why)
    --csv               the explorer's columns with raw values (text cells a spreadsheet would run as a
                        formula, starting with = + - @, get a leading ')
    --filter QUERY      the explorer's query language (below)
    --sort FIELD[:desc] created, name, model, state, images, completion, mode, sweep, size, steps, cfg,
                        sampler (default created:desc); ties: newest first, then name
    --group-by FIELD    model, sampler, size, mode, day or week (ISO, YYYY-Www): per group the sessions,
                        images found/expected, mean completion %, incomplete, stalled and aborted sessions,
                        images per hour (over each session's first to last image) and when last used;
                        sessions without the value form an "(unknown)" group. --json: an array of objects
                        (key, label, sessions, imagesFound, imagesExpected, meanCompletion, incomplete,
                        stalled, aborted, imagesPerHour, lastUsed, query: the --filter text that lists
                        exactly the group's sessions); --csv: the same, raw
${COMMON}
${QUERY_HELP}`,
	preview: `
  sdstats preview: print a session's contact sheet

  Usage
    sdstats preview NAME [--protocol kitty|iterm|sixel|blocks] [--cols N] [--rows N] [--cell WxH]

  Up to 12 images (first, last and evenly spaced between; the newest of a running session), each with
  its placeholder values and seed. Works over SSH: \`ssh box sdstats preview NAME --protocol kitty\`.

  Options
    --protocol P        kitty, iterm (iTerm2, WezTerm, VS Code), sixel (foot, xterm -ti vt340, Windows
                        Terminal) or blocks (half blocks, any colour terminal). Default: from the terminal;
                        without a terminal, captions only. NO_COLOR / --no-color: captions only.
    --cols N            the sheet's width in terminal columns (default: the terminal's, else 80)
    --rows N            the sheet's height in terminal rows (default: the terminal's, else 24)
    --cell WxH          a terminal cell's size in pixels, e.g. 9x18, for kitty, iterm and sixel pictures
                        (default: asked of the terminal when sdstats runs in one, else 10x20; give it
                        when the output goes through a pipe, e.g. \`ssh box sdstats preview NAME ...\`)
${COMMON}
`,
	sheet: `
  sdstats sheet: write a session's contact sheet as a PNG

  Usage
    sdstats sheet NAME -o FILE.png

  The images of \`sdstats preview\`, 256 pixels each, four across, each captioned with its placeholder
  values and seed (or with why it could not be read). Thumbnails are cached in $XDG_CACHE_HOME/sdstats.
${COMMON}
`,
	show: `
  sdstats show: print one cached session

  Usage
    sdstats show NAME [--json] [--missing]

  Options
    --json              one JSON object, as in \`sdstats list --json\`
    --missing           the combinations the session still lacks (random mode: how many images, and the
                        placeholder values never produced); with --json a resume list a script can feed
                        back to the generator: {session_id, kind, planned, found, missing_count, capped,
                        resume: [{index, values, seed?}]}
${COMMON}
`,
	watch: `
  sdstats watch: follow the results root without the explorer

  Usage
    sdstats watch [--json] [--interval SECONDS]

  Polls the root every few seconds (cheaply: new folders and running sessions only), recomputes what changed
  and prints one line per change: a new session, progress of a running one (with its rate and ETA), a run
  that stalled, a run that finished, a session removed. Ctrl-C stops.

  Options
    --json              one JSON object per line: {time, event, session_id, state, actual, expected, ...}
    --interval S        seconds between polls (default 3)
${COMMON}
`,
	doctor: `
  sdstats doctor: check both files, say whose each table is, and rebuild sdstats' cache

  Usage
    sdstats doctor [--rebuild]

  Checks the web UI's sessions.db (its schema_version, session_stats and indexes are the web UI's; sdstats
  shares only session_metadata there) and sdstats' cache, sdstats.db beside it (session_stats and
  sdstats_session_state). It never drops, replaces or rebuilds a table it does not own: a damaged
  sessions.db is reported, not rebuilt.

  When the cache is damaged (or with --rebuild), it backs the cache up beside itself
  (sdstats.db.damaged-<time> or .backup-<time>; the newest 3 are kept), rebuilds sdstats' tables in place
  (the same file, so an open explorer or web UI keeps working), and recomputes the stats from the results
  root. In the one-file layout (--db FILE of another name), session_metadata is kept, or carried over from
  the backup when the file was damaged. It waits for another sdstats compute to finish, naming it.

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
	archive: `
  sdstats archive: move finished sessions out of the results root, into an archive folder

  Usage
    sdstats archive (--filter QUERY | --session NAME...) [--to DIR] [--dry-run] [--yes] [--include-running]

  The archive is a results root of its own: \`sdstats --root DIR\` browses it (with the same --db when the
  archive is not beside the root). Within one filesystem each folder is renamed (instant); across
  filesystems it is copied, every file's size and SHA-256 checked against the source, and only then is the
  source removed (a full disk removes nothing).

  Options
    --to DIR            the archive folder (default <root>/../archive); remembered for this root
    --dry-run           show what would happen, change nothing
    --yes               do it without asking
${SELECTING}
${ACTION_SAFETY}
${COMMON}
${QUERY_HELP}`,
	trash: `
  sdstats trash: move sessions to your trash (freedesktop.org trash: the desktop can restore them)

  Usage
    sdstats trash (--filter QUERY | --session NAME...) [--dry-run] [--yes] [--include-running]

  Each folder goes to the trash of its own filesystem ($XDG_DATA_HOME/Trash, or <mount>/.Trash-<uid>) with
  a .trashinfo naming where it came from; restore it from the desktop's trash or with \`sdstats undo\`.
  Nothing is emptied: space is freed when you empty the trash.

  Options
    --dry-run           show what would happen, change nothing
    --yes               do it without asking
${SELECTING}
${ACTION_SAFETY}
${COMMON}
${QUERY_HELP}`,
	resume: `
  sdstats resume: one resume plan for every selected incomplete session

  Usage
    sdstats resume (--filter QUERY | --session NAME...) -o FILE [--include-running]

  Writes one JSON object: {generated_at, root, sessions: [...], skipped: [{session_id, reason}],
  total_missing}; each session is what \`sdstats show NAME --missing --json\` gives ({session_id, kind,
  planned, found, missing_count, capped, resume: [{index, values, seed?}]}) plus session_path and state.
  Complete sessions, and sessions whose missing images cannot be worked out, are skipped with the reason.

  Options
    -o, --output FILE   where the plan goes (- for the standard output)
${SELECTING}
${COMMON}
${QUERY_HELP}`,
	undo: `
  sdstats undo: take an archive or a trash back

  Usage
    sdstats undo [N] [--dry-run]
    sdstats undo --list

  Moves every folder the action moved back where it came from, with its paths in the database. A folder
  already put back by hand (from the desktop's trash) only has its paths restored; one whose old place is
  taken is skipped with the reason. In the explorer, U takes back the last thing done there.

  Options
    --list              the actions, newest first, numbered (N of \`sdstats undo N\`)
    --dry-run           show what would be put back, change nothing
${COMMON}
`,
	help: '',
};
